import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { generateCode, hashCode, normaliseCode } from '../kernel/codes.js';
import { constantTimeEqual, newId } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { newQueuedNotice } from '../kernel/notice-outbox.js';
import type { RecoveryRecord } from '../kernel/recovery-store.js';
import { reserve } from '../kernel/reservations.js';
import type { CustomerRecord } from '../kernel/types.js';
import { endAllSessions } from '../sessions/sessions.js';
import { verifyPasskeyAssertion } from '../factors/passkey-assertion.js';
import { WEBAUTHN_TIMEOUT_MS, type RelyingParty } from '../factors/passkey-ceremony.js';
import { normaliseRecoveryCode, useRecoveryCode } from '../factors/recovery-codes.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import { checkPasswordRules, loginPasswordMinLength } from '../settings/password-rules.js';

// パスワードをお忘れの方 (issue 16.5): a new password needs what the account's policy would need to sign
// in, never an e-mail alone. A customer whose sign-in takes a passkey (passkey 2FA, or the
// phishing-resistant policy on sign-in) recovers with the passkey only; any other customer with a
// passkey may use it, or the registered mobile's code plus a recovery code or the trading password.
// Every step answers the same whether the login ID exists or not, after the same work: the request
// is a row either way, a code is "sent" either way (not awaited: the SMS provider's time is in no
// answer), and the completion hashes the same passwords on both paths. Afterwards every session ends,
// the registered contacts are told, and withdrawals wait out the cooling-off.

const RECOVERY_TTL_MS = 15 * 60_000;
const MAX_ATTEMPTS = 5;
const MAX_SENDS = 3;

export interface RecoveryProof {
  newPassword: string;
  /** A WebAuthn assertion for this recovery's options. */
  passkey?: unknown;
  /** The code texted to the registered mobile. */
  smsCode?: string;
  recoveryCode?: string;
  tradingPassword?: string;
}

async function addressPlace(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy'>, step: string, address: string): Promise<Failure | undefined> {
  const place = await reserve(deps, `recovery-${step}:addr:${address}`, deps.policy.addressFailureLimit, deps.policy.addressWindowMs);
  return place ? undefined : fail('too_many_attempts', { retryAfter: Math.ceil(deps.policy.addressWindowMs / 1000) });
}

/** Step 1: a recovery for this login ID, known or not (the same answer, the same row). */
export async function startPasswordRecovery(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy'>, loginId: string, client: { address: string }): Promise<{ recoveryId: string; expiresAt: string } | Failure> {
  const throttled = await addressPlace(deps, 'start', client.address);
  if (throttled) return throttled;
  const customer = await deps.store.customers.findByLoginId(loginId);
  const now = deps.clock.now();
  const record: RecoveryRecord = { id: newId(deps.random, 18), customerId: customer?.id ?? null, createdAt: now, expiresAt: now + RECOVERY_TTL_MS, status: 'open', attempts: 0, codeHash: null, codeExpiresAt: null, sends: 0, lastSentAt: null };
  await deps.store.recovery.insert(record);
  return { recoveryId: record.id, expiresAt: new Date(record.expiresAt).toISOString() };
}

async function openRecovery(deps: Pick<Deps, 'store' | 'clock'>, id: string): Promise<RecoveryRecord | undefined> {
  const recovery = await deps.store.recovery.find(id);
  return recovery && recovery.status === 'open' && recovery.expiresAt > deps.clock.now() ? recovery : undefined;
}

/**
 * Step 2a: a code to the registered mobile. Answered "sent" whether there is a customer and a mobile
 * or not; the SMS itself is not awaited (its provider's time would tell).
 */
export async function sendRecoveryCode(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'secrets' | 'sms' | 'logger' | 'firmName'>, id: string): Promise<{ status: 'sent'; resendAfterSeconds: number } | Failure> {
  const recovery = await openRecovery(deps, id);
  if (!recovery) return fail('recovery_refused');
  const now = deps.clock.now();
  const code = generateCode(deps.random);
  const reserved = await deps.store.recovery.reserveSend(id, { now, minIntervalMs: deps.policy.resendAfterMs, maxSends: MAX_SENDS, codeHash: hashCode(deps.secrets.codeKey, `recovery:${id}`, code), codeExpiresAt: now + deps.policy.codeTtlMs });
  if (!reserved) return fail('resend_too_soon', { retryAfter: Math.ceil(deps.policy.resendAfterMs / 1000) });
  const customer = recovery.customerId ? await deps.store.customers.findById(recovery.customerId) : undefined;
  // The customer's hourly SMS budget counts recovery codes too (a login ID typed by a stranger must not flood the phone).
  const budget = await reserve(deps, `sms:customer:${recovery.customerId ?? 'none'}`, deps.policy.maxSendsPerCustomerPerHour, 3600_000, now);
  if (customer?.phone && customer.phoneType === 'mobile' && budget) {
    const text = `【${deps.firmName}】パスワード再設定の確認コード: ${code}\n${Math.round(deps.policy.codeTtlMs / 60_000)}分間有効。お心当たりがない場合は入力せず、当社へご連絡ください。`;
    void deps.sms.sendSms(customer.phone, text).catch((error: unknown) => deps.logger.warn({ recovery: 'sms_failed', error: error instanceof Error ? error.message : 'error' }, 'recovery code not sent'));
  }
  return { status: 'sent', resendAfterSeconds: Math.ceil(deps.policy.resendAfterMs / 1000) };
}

/** Step 2b: passkey request options, the same for every recovery (no credential list: nothing to tell). */
export async function startRecoveryPasskey(deps: Pick<Deps, 'store' | 'clock' | 'random'>, rp: RelyingParty, id: string): Promise<PublicKeyCredentialRequestOptionsJSON | Failure> {
  const recovery = await openRecovery(deps, id);
  if (!recovery) return fail('recovery_refused');
  const options = await generateAuthenticationOptions({ rpID: rp.id, challenge: new Uint8Array(deps.random.bytes(32)), userVerification: 'required', timeout: WEBAUTHN_TIMEOUT_MS });
  const now = deps.clock.now();
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: `recovery:${id}`, customerId: recovery.customerId, expiresAt: Math.min(now + WEBAUTHN_TIMEOUT_MS, recovery.expiresAt) }, now);
  return options;
}

/** Whether this customer's sign-in takes a passkey: then only a passkey recovers the account. */
export function recoveryNeedsPasskey(deps: Pick<Deps, 'policy'>, customer: CustomerRecord, passkeys: number): boolean {
  return passkeys > 0 && (customer.mfaMethod === 'passkey' || deps.policy.phishingResistant.has('login'));
}

/** The proof judged: the same hashing on both paths (a trading password is verified or dummy-verified). */
async function proven(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'hasher' | 'policy' | 'secrets' | 'logger' | 'events' | 'firmName'>, rp: RelyingParty, recovery: RecoveryRecord, customer: CustomerRecord | undefined, proof: RecoveryProof): Promise<boolean> {
  const now = deps.clock.now();
  const passkeys = customer ? (await deps.store.factors.listPasskeys(customer.id)).length : 0;
  if (proof.passkey !== undefined) {
    const verified = await verifyPasskeyAssertion(deps, rp, proof.passkey, { purpose: `recovery:${recovery.id}`, customerId: recovery.customerId });
    return customer !== undefined && 'passkey' in verified && verified.passkey.customerId === customer.id;
  }
  const code = normaliseCode(proof.smsCode);
  const codeOk =
    code !== undefined &&
    recovery.codeHash !== null &&
    (recovery.codeExpiresAt ?? 0) > now &&
    constantTimeEqual(hashCode(deps.secrets.codeKey, `recovery:${recovery.id}`, code), recovery.codeHash);
  const eligible = customer !== undefined && codeOk && !recoveryNeedsPasskey(deps, customer, passkeys);
  let second = false;
  if (proof.tradingPassword !== undefined) {
    // Judged (and its failures counted towards the trading lock) only behind the phone's code; the
    // same hashing otherwise.
    if (eligible) second = (await checkTradingPassword(deps, customer, proof.tradingPassword)) === true;
    else await deps.hasher.verifyDummy(proof.tradingPassword);
  }
  if (!eligible) return false;
  if (!second && proof.recoveryCode !== undefined) {
    const recoveryCode = normaliseRecoveryCode(proof.recoveryCode);
    second = recoveryCode !== undefined && (await useRecoveryCode(deps, customer, recoveryCode)) !== undefined;
  }
  return second;
}

/**
 * Step 3: the new password, with the proof. Anything short of the policy (an e-mail alone, a code
 * alone, a code where a passkey is needed, a wrong answer, an unknown ID) is 400 recovery_refused.
 */
export async function completePasswordRecovery(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'hasher' | 'policy' | 'secrets' | 'logger' | 'events' | 'firmName'>,
  rp: RelyingParty,
  id: string,
  proof: RecoveryProof,
  client: { address: string },
): Promise<{ status: 'recovered' } | Failure> {
  const throttled = await addressPlace(deps, 'complete', client.address);
  if (throttled) return throttled;
  const now = deps.clock.now();
  const recovery = await openRecovery(deps, id);
  if (!recovery || !(await deps.store.recovery.reserveAttempt(id, MAX_ATTEMPTS, now))) return fail('recovery_refused');
  const customer = recovery.customerId ? await deps.store.customers.findById(recovery.customerId) : undefined;
  // The rules that need no account first (the same answer for every ID); the login ID's after the proof.
  const minLength = loginPasswordMinLength(deps.policy.mfaRequired);
  const reason = checkPasswordRules({ password: proof.newPassword, loginId: '', minLength });
  if (reason) return fail('weak_password', { reason, minLength });
  const ok = await proven(deps, rp, recovery, customer, proof);
  // The new hash is made on every path.
  const passwordHash = await deps.hasher.hash(proof.newPassword);
  if (!ok || !customer) {
    deps.logger.info({ recovery: 'refused' }, 'password recovery refused');
    return fail('recovery_refused');
  }
  const ownRule = checkPasswordRules({ password: proof.newPassword, loginId: customer.loginId, minLength });
  if (ownRule) return fail('weak_password', { reason: ownRule, minLength });
  if (await deps.hasher.verify(customer.tradingPasswordHash, proof.newPassword)) return fail('weak_password', { reason: 'same_as_other_password' });
  if (!(await deps.store.recovery.finish(id, now))) return fail('recovery_refused');
  await withinTransaction(deps, async (deps) => {
    // contactChangedAt: withdrawals are held for the cooling-off, and the contacts of the window hear of them.
    await deps.store.customers.update(customer.id, { passwordHash, contactChangedAt: now, updatedAt: now });
    await deps.store.customers.resetLoginFailures(customer.id);
    await endAllSessions(deps, customer.id);
    await recordAudit(deps, customer.id, 'password_recovered', { by: proof.passkey !== undefined ? 'passkey' : proof.tradingPassword !== undefined ? 'sms_and_trading_password' : 'sms_and_recovery_code' });
    await queueNotice(deps, customer, 'password_recovered');
    if (customer.phone && customer.phoneType === 'mobile') {
      const text = `【${deps.firmName}】ログインパスワードが再設定され、すべての端末がログアウトされました。お心当たりがない場合は至急当社へご連絡ください。`;
      await deps.store.notices.enqueue(newQueuedNotice(deps.clock, deps.random, { channel: 'sms', recipient: customer.phone, subject: null, body: text, kind: 'password_recovered_sms' }));
    }
  });
  return { status: 'recovered' };
}
