import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { authoriseFactorChange, type FactorChangeRequest } from './factor-change.js';
import { decryptSecret, encryptSecret } from '../factors/encryption.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { normaliseCode } from '../kernel/codes.js';
import { base32Of, matchTotpStep, totpUri } from '../factors/totp.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { endOtherSessions } from '../sessions/sessions.js';

// 認証アプリの登録: a fresh secret shown once (QR code and text), confirmed by a first code before it
// counts. A new enrolment replaces the old app only when confirmed: a half-done one breaks nothing.

export interface TotpEnrolment {
  secret: string;
  uri: string;
}

const SECRET_BYTES = 20; // 160 bits, RFC 4226's recommendation for HMAC-SHA1

export async function startTotpEnrolment(deps: Deps, customer: CustomerRecord, session: SessionRecord, request: FactorChangeRequest): Promise<TotpEnrolment | Failure> {
  const authorised = await authoriseFactorChange(deps, customer, session, request, { factor: 'totp', action: 'enrol' });
  if (authorised !== true) return authorised;
  const secret = deps.random.bytes(SECRET_BYTES);
  const sealed = encryptSecret(deps.secrets.encryptionKey, deps.random, customer.id, secret);
  await deps.store.factors.saveTotpPending(customer.id, sealed, deps.clock.now());
  return { secret: base32Of(secret), uri: totpUri(secret, deps.firmName, customer.loginId) };
}

/** The first code proves the app holds the secret; its time step is spent, so it cannot be replayed. */
export async function confirmTotpEnrolment(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'firmName'>, customer: CustomerRecord, session: SessionRecord, rawCode: unknown): Promise<{ status: 'enrolled' } | Failure> {
  const record = await deps.store.factors.findTotp(customer.id);
  if (!record?.pendingEnc) return fail('method_unavailable', { method: 'totp', reason: 'no_enrolment' });
  const code = normaliseCode(rawCode);
  const now = deps.clock.now();
  const step = code === undefined ? undefined : matchTotpStep(decryptSecret(deps.secrets.encryptionKey, customer.id, record.pendingEnc), code, now);
  if (step === undefined) return fail('invalid_code');
  const confirmed = await withinTransaction(deps, async (deps) => {
    if (!(await deps.store.factors.confirmTotp(customer.id, record.pendingEnc!, step, now))) return false;
    await endOtherSessions(deps, session);
    await recordAudit(deps, customer.id, 'totp_enrolled');
    await queueNotice(deps, customer, 'totp_enrolled');
    return true;
  });
  if (!confirmed) return fail('challenge_used');
  return { status: 'enrolled' };
}
