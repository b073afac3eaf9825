import type { Deps } from '../kernel/context.js';
import { frozenFailure, refuseIfFrozen } from '../protection/freeze.js';
import { defaultSummary, newChallenge, viewChallenge, type ChallengeView } from '../challenges/create.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { formatJst, queueNotice, withinTransaction } from '../kernel/notices.js';
import { loginLockDuration } from '../kernel/policy.js';
import { recordAudit } from '../kernel/audit.js';
import { createSession } from '../sessions/sessions.js';
import { describePlace, deviceHashOf, deviceKey, isKnownDevice, isTrusted, readDeviceSignIn, writeDeviceSignIn, type DeviceRead } from '../sessions/new-device.js';
import { riskStepUpReason, secondFactorReason } from './second-factor.js';
import { release, reserve } from '../kernel/reservations.js';
import type { CustomerRecord, LoginEvent } from '../kernel/types.js';
import { logEvent, type Client } from '../sessions/login-events.js';
import { assessSignIn, countNetworkFailure, enterNetworkGate, leaveNetworkGate, SIGN_IN_HISTORY, type NetworkGate } from '../risk/sign-in.js';
import type { SignInLookup } from '../kernel/store.js';

export { logEvent, type Client };

/** A session made: its secret token for the cookie, and the device cookie's token. */
export interface SignedIn {
  status: 'signed_in';
  customer: CustomerRecord;
  token: string;
  deviceToken: string;
}

export type SignInResult = SignedIn | { status: 'second_factor_required'; challenge: ChallengeView };

/**
 * ログイン: login ID and password; then, with 2FA on (or required by policy), a login challenge.
 *
 * Reserve before you act: a place in the address throttle and a guess of the account's lock budget
 * are taken before the password is hashed, so guesses in flight count like finished ones (24 wrong
 * passwords and the right one sent at once: at most the lock threshold of them is judged). A right
 * password gives its places back.
 */
export async function signIn(deps: Deps, input: { loginId: string; password: string }, client: Client): Promise<SignInResult | Failure> {
  const now = deps.clock.now();
  const admitted = await admitSignIn(deps, client, now);
  if (isFailure(admitted)) return admitted;
  const { addressPlace, gate } = admitted;

  // Before the hash, one read (one statement on PostgreSQL): the customer, a guess reserved from its
  // lock budget, whether its sign-in is frozen, and its last sign-ins for the risk engine.
  // And the client's device as the customer's known devices hold it (trust, last use, the notice setting).
  const found = await deps.store.customers.signInLookup(input.loginId, { threshold: deps.policy.loginLockThreshold, now }, SIGN_IN_HISTORY, deviceHashOf(deps, client.deviceToken));
  const { customer } = found;
  // Unknown ID and locked account spend the same work (the reservation's UPDATE, the hashing) as a
  // wrong password and answer the same: an attacker learns nothing about which IDs exist or are locked.
  const attempt = await reserveGuess(deps, customer, found.reserved, client, now);
  // A hash that never ran (the hashing queue full: 503) judged nothing: every place goes back.
  const giveBack = async () => {
    await release(deps, addressPlace);
    await leaveNetworkGate(deps, gate);
    if (attempt?.kind === 'device') await release(deps, attempt.place);
    if (attempt?.kind === 'account') await deps.store.customers.giveBackLoginAttempt(customer!.id);
  };
  if (!customer || !attempt) {
    await judged(deps.hasher.verifyDummy(input.password), giveBack);
    await failSignIn(deps, customer, input.loginId, client, customer ? 'locked' : 'invalid_credentials', gate);
    return fail('invalid_credentials');
  }
  if (!(await judged(deps.hasher.verify(customer.passwordHash, input.password), giveBack))) {
    // The guess stays counted; the one that took the last place before the lock imposes it.
    if (attempt.kind === 'account' && attempt.failedLogins >= deps.policy.loginLockThreshold) await lockAccount(deps, customer, attempt.lockCount, now, client);
    else if (attempt.kind === 'account' && attempt.failedLogins === FAILED_BURST) await tellFailedBurst(deps, customer, attempt.failedLogins, client, now);
    await failSignIn(deps, customer, input.loginId, client, 'invalid_credentials', gate);
    return fail('invalid_credentials');
  }
  if (deps.hasher.needsRehash(customer.passwordHash)) {
    await deps.store.customers.update(customer.id, { passwordHash: await deps.hasher.hash(input.password), updatedAt: now });
  }

  // ログイン一時停止: the right password opens nothing (a login challenge already issued dies with the
  // freeze, which moved the credential version on; so does a session made while a freeze races this one).
  const frozen = found.signInFrozenSince !== null;
  // The risk engine's one call (its history came with the lookup): refuse, or a second factor even
  // where the customer's setting would not ask. Policy reads stay outside the transaction (cached).
  const risk = frozen ? undefined : await assessSignIn(deps, customer, client, { lastSignIns: found.lastSignIns, deviceLastSeen: found.device?.lastSeenAt });
  const reason =
    !risk || risk.outcome === 'refuse'
      ? undefined
      : risk.outcome === 'step_up'
        ? await riskStepUpReason(deps, customer)
        : await secondFactorReason(deps, customer, client.deviceToken, isTrusted(deps, found.device));

  // The login challenge when a second factor is asked (its reads, like the policy's, outside the transaction).
  const challenge =
    reason && risk
      ? await newChallenge(deps, {
          customer,
          passkeyWhereOne: risk.outcome === 'step_up',
          purpose: 'login',
          content: { loginId: customer.loginId },
          summary: defaultSummary('login'),
          // The credential version read with the password hash just checked: the session this challenge
          // opens carries it, so a password change meanwhile leaves that session dead.
          data: { address: client.address, userAgent: client.userAgent.slice(0, 256), reason, credentialVersion: customer.credentialVersion },
        })
      : undefined;

  // Then one transaction. Its first writes (the places given back, the failures reset) are read by no
  // one: on PostgreSQL they travel with its next statement, the session's inserts with the commit (two
  // round trips for a completed sign-in).
  return withinTransaction(
    deps,
    async (deps): Promise<SignInResult | Failure> => {
      await release(deps, addressPlace);
      await leaveNetworkGate(deps, gate);
      if (attempt.kind === 'device') await release(deps, attempt.place);
      await deps.store.customers.resetLoginFailures(customer.id);
      if (!risk) return refuseFrozenSignIn(deps, customer, input.loginId, client);
      if (risk.outcome === 'refuse' || (risk.outcome === 'step_up' && !reason)) return refuseSignIn(deps, customer, client);
      if (!challenge) return completeSignIn(deps, customer, client, customer.credentialVersion, ['pwd'], found);
      // The challenge and the login event commit together; nothing is read back from their inserts.
      await deps.store.challenges.insert(challenge);
      await logEvent(deps, customer.id, input.loginId, client, 'second_factor_required');
      deps.events.signIn('second_factor_required');
      return { status: 'second_factor_required', challenge: viewChallenge(deps, challenge) };
    },
    { insertsUnread: true },
  );
}

/**
 * The places every sign-in takes before any credential is judged (a password or a passkey): one in
 * its address's throttle, then one at its network's gate (credential stuffing: the risk engine's
 * budget per network). Past either: 429, counted as throttled. The caller gives both back on success.
 */
export async function admitSignIn(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'places' | 'policy' | 'events'>,
  client: Pick<Client, 'address'>,
  now: number,
): Promise<{ addressPlace: string; gate: NetworkGate } | Failure> {
  const { addressFailureLimit, addressWindowMs } = deps.policy;
  const addressPlace = await reserve(deps, `login-fail:addr:${client.address}`, addressFailureLimit, addressWindowMs, now);
  const gate = addressPlace ? await enterNetworkGate(deps, client) : undefined;
  if (addressPlace && gate) return { addressPlace, gate };
  if (addressPlace) await release(deps, addressPlace);
  deps.events.signIn('throttled');
  return fail('too_many_attempts', { retryAfter: Math.ceil(addressWindowMs / 1000) });
}

/** ログイン一時停止: a right credential opens nothing; the attempt is logged as refused. */
export async function refuseIfSignInFrozen(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'events'>, customer: CustomerRecord, loginId: string, client: Client): Promise<Failure | undefined> {
  if (!(await refuseIfFrozen(deps, customer.id, 'sign_in'))) return undefined;
  return refuseFrozenSignIn(deps, customer, loginId, client);
}

async function refuseFrozenSignIn(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'events'>, customer: CustomerRecord, loginId: string, client: Client): Promise<Failure> {
  await logEvent(deps, customer.id, loginId, client, 'locked');
  deps.events.signIn('frozen');
  return frozenFailure('sign_in');
}

type Guess = { kind: 'account'; failedLogins: number; lockCount: number } | { kind: 'device'; place: string };

/**
 * One guess of the password, reserved: from the account's budget (the lock threshold) while it is
 * not locked. The lock stops guessing, but anyone who knows a login ID could keep its owner locked
 * out by guessing on purpose: a browser the customer has completed a sign-in with (its device
 * cookie) is not held by the lock (OWASP's device cookies) and has its own budget of wrong
 * passwords (a stolen device cookie buys no more guesses). Undefined: locked for this client.
 */
async function reserveGuess(deps: Deps, customer: CustomerRecord | undefined, taken: SignInLookup['reserved'], client: Client, now: number): Promise<Guess | undefined> {
  const threshold = deps.policy.loginLockThreshold;
  // Taken by the lookup (an unknown ID runs the same UPDATE, matching no row: the same work whether the ID exists or not).
  if (taken) return { kind: 'account', ...taken };
  // All guesses taken but no lock in force: they are in flight (or were cut off by a crash). The
  // lock is imposed now: a right password among them still lifts it, and a count left behind by a
  // crash can never hold the account shut without a lock that ends.
  if (customer && (customer.lockedUntil === null || customer.lockedUntil <= now)) await lockAccount(deps, customer, customer.lockCount, now);
  if (!customer || !(await isKnownDevice(deps, customer.id, client.deviceToken))) return undefined;
  const place = await reserve(deps, deviceFailureKey(deps, customer, client)!, threshold, deps.policy.loginLockMaxMs, now);
  return place ? { kind: 'device', place } : undefined;
}

/** The hash's answer; when it throws (the hashing queue is full), the places are given back first. */
async function judged<T>(hashing: Promise<T>, giveBack: () => Promise<void>): Promise<T> {
  try {
    return await hashing;
  } catch (error) {
    await giveBack();
    throw error;
  }
}

function deviceFailureKey(deps: Pick<Deps, 'secrets'>, customer: CustomerRecord, client: Client): string | undefined {
  const device = deviceKey(deps, client.deviceToken);
  return device && `login-fail:device:${customer.id}:${device}`;
}

/**
 * The last step of every successful sign-in: a fresh session (never one the client brought), on the
 * credential version the first factor was checked against (a login challenge carries it).
 */
export async function completeSignIn(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'events' | 'firmName' | 'policy' | 'places'>,
  customer: CustomerRecord,
  client: Client,
  credentialVersion = customer.credentialVersion,
  /** How it was authenticated (RFC 8176), kept on the session for the OpenID Provider's acr and amr. */
  amr: readonly string[] = ['pwd'],
  /** The device as the password sign-in's lookup read it (otherwise read here). */
  deviceRead?: DeviceRead,
): Promise<SignedIn> {
  const device = await readDeviceSignIn(deps, customer, client, deviceRead);
  // Every write of a completed sign-in commits together, in one transaction: the session, the login
  // event and its audit entry, the device and its notice (issue 14.2: one commit instead of three).
  // Nothing is read back from their inserts: on PostgreSQL they travel together (two round trips in all).
  const { token } = await withinTransaction(
    deps,
    async (deps) => {
      const session = await createSession(deps, { id: customer.id, credentialVersion }, client, amr);
      await logEvent(deps, customer.id, customer.loginId, client, 'signed_in');
      await writeDeviceSignIn(deps, customer, client, device);
      return session;
    },
    { insertsUnread: true },
  );
  deps.events.signIn('signed_in');
  return { status: 'signed_in', customer, token, deviceToken: device.token };
}

export async function countWrongPassword(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'policy' | 'events' | 'firmName'>, customer: CustomerRecord, now: number): Promise<void> {
  const { failedLogins, lockCount } = await deps.store.customers.countLoginFailure(customer.id);
  if (failedLogins >= deps.policy.loginLockThreshold) await lockAccount(deps, customer, lockCount, now);
}

/** Wrong passwords in a row that tell the customer before the lock does (issue 16.4). */
const FAILED_BURST = 3;

/** ログインの失敗が続いています: the burst, where it came from (the address and its approximate place). */
async function tellFailedBurst(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName' | 'places'>, customer: CustomerRecord, count: number, client: Client, now: number): Promise<void> {
  await queueNotice(deps, customer, 'failed_sign_ins', { count, at: formatJst(now), address: client.address, place: describePlace(deps, client.address) });
}

async function lockAccount(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'policy' | 'events' | 'firmName'> & Partial<Pick<Deps, 'places'>>, customer: CustomerRecord, lockCount: number, now: number, client?: Client): Promise<void> {
  const until = now + loginLockDuration(deps.policy, lockCount);
  // The lock, its audit entry and the owner's notice commit together (durable outbox).
  const locked = await withinTransaction(deps, async (deps) => {
    if (!(await deps.store.customers.lockLogin(customer.id, deps.policy.loginLockThreshold, lockCount, until))) return false;
    await recordAudit(deps, customer.id, 'login_locked', { until: new Date(until).toISOString() }, 'system');
    const where: Record<string, string> = client && deps.places ? { address: client.address, place: describePlace({ places: deps.places }, client.address) } : {};
    await queueNotice(deps, customer, 'login_locked', { until: formatJst(until), ...where });
    return true;
  });
  if (!locked) return;
  deps.events.lock('login');
  deps.logger.warn({ alert: 'login_locked', customerId: customer.id }, 'sign-in locked after repeated wrong passwords');
}

/**
 * The risk engine refused a right password (or passkey): nothing is locked; the owner hears of it
 * (durable outbox) and reads it in ログイン履歴; the answer gives the plain reason only.
 */
export async function refuseSignIn(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'events' | 'firmName'>, customer: CustomerRecord, client: Client): Promise<Failure> {
  const now = deps.clock.now();
  await withinTransaction(deps, async (deps) => {
    await logEvent(deps, customer.id, customer.loginId, client, 'risk_refused');
    await queueNotice(deps, customer, 'risk_sign_in_refused', { at: formatJst(now), address: client.address });
  });
  deps.events.signIn('risk_refused');
  return fail('risk_refused');
}

async function failSignIn(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'events' | 'policy' | 'logger'>,
  customer: CustomerRecord | undefined,
  loginId: string,
  client: Client,
  result: LoginEvent['result'],
  gate: NetworkGate,
): Promise<void> {
  await countNetworkFailure(deps, gate);
  // The address's place stays taken (reserved before the hash).
  // An unknown login ID is recorded without the ID: what an attacker types is not kept.
  await logEvent(deps, customer?.id ?? null, customer ? loginId : '', client, result);
  // The metric does not tell a lock from a wrong password: only real accounts lock, and the
  // counter would tell which IDs exist (the login history keeps the difference for the owner).
  deps.events.signIn(result === 'locked' ? 'invalid_credentials' : result);
}
