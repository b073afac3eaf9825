import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { release, reserve } from '../kernel/reservations.js';
import type { OperatorRecord } from '../kernel/operator-store.js';
import { asTransports, challengeOfResponse, credentialIdOf, WEBAUTHN_TIMEOUT_MS, type RelyingParty } from '../factors/passkey-ceremony.js';
import { counterRegressed, verifySignature } from '../factors/passkey-assertion.js';
import { enrolmentCodeHash, operatorActor } from './operators.js';
import { createOperatorSession } from './operator-sessions.js';

// Operators sign in to the console with a passkey and nothing else: a discoverable credential with
// user verification. The first one is registered with the one-time enrolment code the CLI printed.

type Client = { address: string; userAgent: string };
type SignedInOperator = { token: string; operator: OperatorRecord };
type PasskeyDeps = Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'policy' | 'logger'>;

/** Enrolment, step 1: the creation options for the operator the code belongs to. */
export async function startOperatorEnrolment(deps: PasskeyDeps, rp: RelyingParty, code: string): Promise<PublicKeyCredentialCreationOptionsJSON | Failure> {
  const now = deps.clock.now();
  const operatorId = await deps.store.operators.peekEnrolment(enrolmentCodeHash(deps, code), now);
  const operator = operatorId ? await deps.store.operators.findOperator(operatorId) : undefined;
  if (!operator || operator.disabledAt !== null) return fail('invalid_credentials');
  const existing = await deps.store.operators.listPasskeys(operator.id);
  const options = await generateRegistrationOptions({
    rpName: `${rp.name} console`,
    rpID: rp.id,
    userName: operator.email,
    userDisplayName: operator.name,
    userID: new Uint8Array(Buffer.from(`op:${operator.id}`)),
    challenge: new Uint8Array(deps.random.bytes(32)),
    attestationType: 'none',
    timeout: WEBAUTHN_TIMEOUT_MS,
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: asTransports(p.transports) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: 'operator-register', customerId: operator.id, expiresAt: now + WEBAUTHN_TIMEOUT_MS }, now);
  return options;
}

/** Enrolment, step 2: the code is used (once), the passkey stored, and the operator signed in. */
export async function finishOperatorEnrolment(deps: PasskeyDeps, rp: RelyingParty, code: string, response: unknown, client: Client): Promise<SignedInOperator | Failure> {
  const now = deps.clock.now();
  const codeHash = enrolmentCodeHash(deps, code);
  const operatorId = await deps.store.operators.peekEnrolment(codeHash, now);
  const challenge = challengeOfResponse(response);
  if (!operatorId || !challenge || !(await deps.store.factors.consumeWebAuthnChallenge(challenge, 'operator-register', operatorId, now))) return fail('invalid_credentials');
  let info;
  try {
    const result = await verifyRegistrationResponse({ response: response as RegistrationResponseJSON, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
    if (!result.verified) return fail('invalid_credentials');
    info = result.registrationInfo;
  } catch (error) {
    deps.logger.info({ console: 'enrolment refused', reason: error instanceof Error ? error.message.slice(0, 200) : 'not verified' }, 'operator enrolment refused');
    return fail('invalid_credentials');
  }
  if ((await deps.store.operators.useEnrolment(codeHash, now)) !== operatorId) return fail('invalid_credentials');
  const operator = await deps.store.operators.findOperator(operatorId);
  if (!operator || operator.disabledAt !== null) return fail('invalid_credentials');
  await deps.store.operators.insertPasskey({
    id: info.credential.id,
    operatorId,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    createdAt: now,
    lastUsedAt: null,
  });
  await recordAudit(deps, null, 'operator_passkey_registered', { operator: operatorActor(operator), passkey: info.credential.id.slice(0, 16) }, operatorActor(operator));
  const { token } = await createOperatorSession(deps, operator, client);
  return { token, operator };
}

/** Sign-in, step 1: request options with no credential list (the passkey says whose it is). */
export async function startOperatorSignIn(deps: Pick<Deps, 'store' | 'clock' | 'random'>, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({ rpID: rp.id, challenge: new Uint8Array(deps.random.bytes(32)), userVerification: 'required', timeout: WEBAUTHN_TIMEOUT_MS });
  const now = deps.clock.now();
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: 'operator-login', customerId: null, expiresAt: now + WEBAUTHN_TIMEOUT_MS }, now);
  return options;
}

/** Sign-in, step 2: one answer (401 invalid_credentials) for every refusal; failures count against the address. */
export async function signInOperator(deps: PasskeyDeps, rp: RelyingParty, response: unknown, client: Client): Promise<SignedInOperator | Failure> {
  const now = deps.clock.now();
  const place = await reserve(deps, `console-fail:addr:${client.address}`, deps.policy.addressFailureLimit, deps.policy.addressWindowMs, now);
  if (!place) return fail('too_many_attempts', { retryAfter: Math.ceil(deps.policy.addressWindowMs / 1000) });
  const refused = async (reason: string, operator?: OperatorRecord) => {
    deps.logger.info({ console: 'sign-in refused', reason }, 'operator sign-in refused');
    if (operator) await recordAudit(deps, null, 'operator_sign_in_refused', { operator: operatorActor(operator), reason }, operatorActor(operator));
    return fail('invalid_credentials');
  };
  const challenge = challengeOfResponse(response);
  const credentialId = credentialIdOf(response);
  if (!challenge || !credentialId) return refused('malformed response');
  if (!(await deps.store.factors.consumeWebAuthnChallenge(challenge, 'operator-login', null, now))) return refused('unknown, used or expired challenge');
  const passkey = await deps.store.operators.findPasskey(credentialId);
  if (!passkey) return refused('unknown credential');
  const operator = await deps.store.operators.findOperator(passkey.operatorId);
  if (!operator || operator.disabledAt !== null) return refused('operator disabled', operator);
  const userHandle = (response as { response?: { userHandle?: unknown } }).response?.userHandle;
  if (userHandle !== undefined && userHandle !== Buffer.from(`op:${operator.id}`).toString('base64url')) return refused('user handle does not match', operator);
  const signed = await verifySignature(rp, challenge, response, passkey);
  if ('refused' in signed) return refused(signed.refused, operator);
  const { newCounter } = signed;
  if (counterRegressed(passkey.counter, newCounter)) return refused('signature counter went backwards (a cloned key?)', operator);
  if (!(await deps.store.operators.updatePasskeyCounter(passkey.id, passkey.counter, newCounter, now))) return refused('counter moved concurrently', operator);
  await release(deps, place);
  await recordAudit(deps, null, 'operator_signed_in', { operator: operatorActor(operator), address: client.address }, operatorActor(operator));
  const { token } = await createOperatorSession(deps, operator, client);
  return { token, operator };
}
