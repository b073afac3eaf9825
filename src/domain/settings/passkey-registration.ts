import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { authoriseFactorChange, type FactorChangeRequest } from './factor-change.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { asTransports, challengeOfResponse, WEBAUTHN_TIMEOUT_MS, type RelyingParty } from '../factors/passkey-ceremony.js';
import type { PasskeyRecord } from '../kernel/factor-store.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { endOtherSessions } from '../sessions/sessions.js';
import { passkeyMatureAt, policyGuardsFactors } from '../factors/phishing-resistance.js';
import { tellContactsOfNewPasskey } from '../money/withdrawal-cooling-off.js';

export const MAX_PASSKEYS = 10;

/** パスキーの登録, step 1: after the trading password (and the current factor), the creation options. */
export async function startPasskeyRegistration(
  deps: Deps,
  customer: CustomerRecord,
  session: SessionRecord,
  rp: RelyingParty,
  request: FactorChangeRequest,
): Promise<PublicKeyCredentialCreationOptionsJSON | Failure> {
  const existing = await deps.store.factors.listPasskeys(customer.id);
  if (existing.length >= MAX_PASSKEYS) return fail('invalid_request', { field: 'passkeys', reason: `at most ${MAX_PASSKEYS}` });
  const authorised = await authoriseFactorChange(deps, customer, session, request, { factor: 'passkey', action: 'add' });
  if (authorised !== true) return authorised;
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: customer.loginId,
    userDisplayName: customer.name,
    // The user handle comes back at a discoverable sign-in; the customer's opaque ID, never the login ID.
    userID: new Uint8Array(Buffer.from(customer.id)),
    challenge: new Uint8Array(deps.random.bytes(32)),
    attestationType: 'none',
    timeout: WEBAUTHN_TIMEOUT_MS,
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: asTransports(p.transports) })),
    // Discoverable, so it can sign in alone; user verification, so it is two factors in one.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const now = deps.clock.now();
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: 'register', customerId: customer.id, expiresAt: now + WEBAUTHN_TIMEOUT_MS }, now);
  return options;
}

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  /** Under the phishing-resistant policy: from when it may approve withdrawals and bank changes. */
  approvesMoneyFrom?: string;
}

export function viewPasskey(p: PasskeyRecord, deps?: Pick<Deps, 'policy'>): PasskeyView {
  return {
    id: p.id,
    name: p.name,
    createdAt: new Date(p.createdAt).toISOString(),
    lastUsedAt: p.lastUsedAt === null ? null : new Date(p.lastUsedAt).toISOString(),
    backedUp: p.backedUp,
    ...(deps && policyGuardsFactors(deps.policy) ? { approvesMoneyFrom: new Date(passkeyMatureAt(deps.policy, p)).toISOString() } : {}),
  };
}

/**
 * Step 2: the authenticator's answer to a challenge we issued to this customer (used once). A new
 * passkey starts the withdrawal cooling-off: a thief who got past the current factor and planted
 * their own passkey cannot empty the account before the customer reads the notice. Under the
 * phishing-resistant policy it approves no withdrawal and no bank change at all until the
 * cooling-off has passed (403 factor_cooling_off), and every contact of the window hears of it.
 */
export async function finishPasskeyRegistration(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'firmName'>,
  customer: CustomerRecord,
  session: SessionRecord,
  rp: RelyingParty,
  input: { name: string; response: unknown },
): Promise<PasskeyView | Failure> {
  const refused = (reason: string) => fail('invalid_request', { field: 'response', reason });
  const challenge = challengeOfResponse(input.response);
  const now = deps.clock.now();
  if (!challenge || !(await deps.store.factors.consumeWebAuthnChallenge(challenge, 'register', customer.id, now))) return refused('unknown or expired challenge');
  let info;
  try {
    const result = await verifyRegistrationResponse({
      response: input.response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    if (!result.verified) return refused('not verified');
    info = result.registrationInfo;
  } catch (error) {
    return refused(error instanceof Error ? error.message.slice(0, 200) : 'not verified');
  }
  if (await deps.store.factors.findPasskey(info.credential.id)) return refused('already registered');
  const passkey: PasskeyRecord = {
    id: info.credential.id,
    customerId: customer.id,
    name: input.name,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    createdAt: now,
    lastUsedAt: null,
  };
  await withinTransaction(deps, async (deps) => {
    await deps.store.factors.insertPasskey(passkey);
    await deps.store.customers.update(customer.id, { contactChangedAt: now, updatedAt: now });
    await endOtherSessions(deps, session);
    await recordAudit(deps, customer.id, 'passkey_added', { passkey: passkey.id.slice(0, 16), name: passkey.name });
    await queueNotice(deps, customer, 'passkey_added', { name: passkey.name });
  });
  await tellContactsOfNewPasskey(deps, customer, passkey.name);
  return viewPasskey(passkey, deps);
}

/** パスキーの削除. The last passkey cannot go while it is the chosen method: the customer switches first. */
export async function removePasskey(deps: Deps, customer: CustomerRecord, session: SessionRecord, id: string, request: FactorChangeRequest): Promise<{ status: 'removed' } | Failure> {
  const passkeys = await deps.store.factors.listPasskeys(customer.id);
  const passkey = passkeys.find((p) => p.id === id);
  if (!passkey) return fail('not_found');
  if (passkeys.length === 1 && customer.mfaMethod === 'passkey') return fail('method_unavailable', { method: 'passkey', reason: 'last_passkey_in_use' });
  const authorised = await authoriseFactorChange(deps, customer, session, request, { factor: 'passkey', action: 'remove', id });
  if (authorised !== true) return authorised;
  const removed = await withinTransaction(deps, async (deps) => {
    if (!(await deps.store.factors.deletePasskey(customer.id, id))) return false;
    await endOtherSessions(deps, session);
    await recordAudit(deps, customer.id, 'passkey_removed', { passkey: id.slice(0, 16), name: passkey.name });
    await queueNotice(deps, customer, 'passkey_removed', { name: passkey.name });
    return true;
  });
  if (!removed) return fail('not_found');
  return { status: 'removed' };
}
