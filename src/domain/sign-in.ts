import type { Deps } from './context.js';
import { createChallenge, defaultSummary, viewChallenge, type ChallengeView } from './challenge-create.js';
import { sortableId } from './crypto.js';
import { fail, type Failure } from './errors.js';
import { formatJst, sendNotice } from './notices.js';
import { loginLockDuration } from './policy.js';
import { recordAudit } from './audit.js';
import { createSession } from './sessions.js';
import { deviceKey, isKnownDevice, recordDeviceSignIn } from './new-device.js';
import { secondFactorReason } from './sign-in-policy.js';
import type { CustomerRecord, LoginEvent } from './types.js';

export interface Client {
  address: string;
  userAgent: string;
  /** The browser's long-lived device cookie, when it has one (new-device notices). */
  deviceToken?: string;
}

export type SignInResult =
  | { status: 'signed_in'; customer: CustomerRecord; token: string; deviceToken: string }
  | { status: 'second_factor_required'; challenge: ChallengeView };

/** ログイン: login ID and password; then, with 2FA on (or required by policy), a login challenge. */
export async function signIn(deps: Deps, input: { loginId: string; password: string }, client: Client): Promise<SignInResult | Failure> {
  const now = deps.clock.now();
  const addressKey = `login-fail:addr:${client.address}`;
  const { addressFailureLimit, addressWindowMs } = deps.policy;
  if ((await deps.store.throttle.count(addressKey, now - addressWindowMs)) >= addressFailureLimit) {
    deps.events.signIn('throttled');
    return fail('too_many_attempts', { retryAfter: Math.ceil(addressWindowMs / 1000) });
  }

  const customer = await deps.store.customers.findByLoginId(input.loginId);
  // Unknown ID and locked account spend the same hashing work as a wrong password and answer the
  // same: an attacker learns nothing about which IDs exist or are locked.
  if (!customer || (await lockedForThisDevice(deps, customer, client, now))) {
    await deps.hasher.verifyDummy(input.password);
    await failSignIn(deps, customer, input.loginId, client, addressKey, customer ? 'locked' : 'invalid_credentials');
    return fail('invalid_credentials');
  }
  if (!(await deps.hasher.verify(customer.passwordHash, input.password))) {
    await countWrongPassword(deps, customer, now);
    const deviceFailures = deviceFailureKey(deps, customer, client);
    if (deviceFailures) await deps.store.throttle.add(deviceFailures, now);
    await failSignIn(deps, customer, input.loginId, client, addressKey, 'invalid_credentials');
    return fail('invalid_credentials');
  }

  if (customer.failedLogins > 0 || customer.lockCount > 0 || customer.lockedUntil !== null) await deps.store.customers.resetLoginFailures(customer.id);
  if (deps.hasher.needsRehash(customer.passwordHash)) {
    await deps.store.customers.update(customer.id, { passwordHash: await deps.hasher.hash(input.password), updatedAt: now });
  }

  const reason = await secondFactorReason(deps, customer, client.deviceToken);
  if (reason) {
    const challenge = await createChallenge(deps, {
      customer,
      purpose: 'login',
      content: { loginId: customer.loginId },
      summary: defaultSummary('login'),
      // The credential version read with the password hash just checked: the session this challenge
      // opens carries it, so a password change meanwhile leaves that session dead.
      data: { address: client.address, userAgent: client.userAgent.slice(0, 256), reason, credentialVersion: customer.credentialVersion },
    });
    await logEvent(deps, customer.id, input.loginId, client, 'second_factor_required');
    deps.events.signIn('second_factor_required');
    return { status: 'second_factor_required', challenge: viewChallenge(deps, challenge) };
  }
  return completeSignIn(deps, customer, client);
}

/**
 * The lock stops guessing, but anyone who knows a login ID could keep its owner locked out by
 * guessing on purpose. A browser the customer has completed a sign-in with (its device cookie) is
 * not held by the lock (OWASP's device cookies): the attacker's lock binds only the attacker.
 */
async function lockedForThisDevice(deps: Deps, customer: CustomerRecord, client: Client, now: number): Promise<boolean> {
  if (customer.lockedUntil === null || customer.lockedUntil <= now) return false;
  if (!(await isKnownDevice(deps, customer.id, client.deviceToken))) return true;
  // A known device has its own budget of wrong passwords (a stolen device cookie buys no more guesses).
  const failures = await deps.store.throttle.count(deviceFailureKey(deps, customer, client)!, now - deps.policy.loginLockMaxMs);
  return failures >= deps.policy.loginLockThreshold;
}

function deviceFailureKey(deps: Deps, customer: CustomerRecord, client: Client): string | undefined {
  const device = deviceKey(deps, client.deviceToken);
  return device && `login-fail:device:${customer.id}:${device}`;
}

/**
 * The last step of every successful sign-in: a fresh session (never one the client brought), on the
 * credential version the first factor was checked against (a login challenge carries it).
 */
export async function completeSignIn(deps: Deps, customer: CustomerRecord, client: Client, credentialVersion = customer.credentialVersion): Promise<SignInResult> {
  const { token } = await createSession(deps, { id: customer.id, credentialVersion }, client);
  await logEvent(deps, customer.id, customer.loginId, client, 'signed_in');
  deps.events.signIn('signed_in');
  const deviceToken = await recordDeviceSignIn(deps, customer, client);
  return { status: 'signed_in', customer, token, deviceToken };
}

export async function countWrongPassword(deps: Deps, customer: CustomerRecord, now: number): Promise<void> {
  const threshold = deps.policy.loginLockThreshold;
  const { failedLogins, lockCount } = await deps.store.customers.countLoginFailure(customer.id);
  if (failedLogins < threshold) return;
  const until = now + loginLockDuration(deps.policy, lockCount);
  if (!(await deps.store.customers.lockLogin(customer.id, threshold, lockCount, until))) return;
  deps.events.lock('login');
  await recordAudit(deps, customer.id, 'login_locked', { until: new Date(until).toISOString() }, 'system');
  await sendNotice(deps, customer, 'login_locked', { until: formatJst(until) });
}

async function failSignIn(
  deps: Deps,
  customer: CustomerRecord | undefined,
  loginId: string,
  client: Client,
  addressKey: string,
  result: LoginEvent['result'],
): Promise<void> {
  await deps.store.throttle.add(addressKey, deps.clock.now());
  // An unknown login ID is recorded without the ID: what an attacker types is not kept.
  await logEvent(deps, customer?.id ?? null, customer ? loginId : '', client, result);
  deps.events.signIn(result);
}

export async function logEvent(deps: Deps, customerId: string | null, loginId: string, client: Client, result: LoginEvent['result']): Promise<void> {
  const at = deps.clock.now();
  await deps.store.loginEvents.add({
    id: sortableId(at, deps.random),
    customerId,
    loginId: loginId.slice(0, 64),
    at,
    address: client.address,
    userAgent: client.userAgent.slice(0, 256),
    result,
  });
}
