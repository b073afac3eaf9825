import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { fail, type Failure } from '../kernel/errors.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import { FREEZE_LEVELS, type FreezeLevel, type FreezeRecord } from '../kernel/protection-store.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { endAllSessions } from '../sessions/sessions.js';
import { verifyPasskeyAssertion } from '../factors/passkey-assertion.js';
import { asTransports, WEBAUTHN_TIMEOUT_MS, type RelyingParty } from '../factors/passkey-ceremony.js';
import { passkeyMatureAt } from '../factors/phishing-resistance.js';
import { release, reserve } from '../kernel/reservations.js';

// 取引制限 / ログイン一時停止 (issue 16.2). The customer freezes, at any time and with no second factor:
// (a) withdrawals and bank-account changes, (b) orders, (c) sign-in itself (every session ends with it).
// Sign-in, money and settings ask `refuseIfFrozen` before they act, each for exactly its level. Lifting
// takes the customer's passkey (an assertion bound to this operation, its levels and the session) —
// one already past its cooling-off when the freeze began, so a passkey a thief planted before the
// customer froze never lifts it — or, for a customer without such a passkey, an operator after a fresh
// identity check; withdrawals then wait out the cooling-off (24 hours), counted from the lift.

export { FREEZE_LEVELS, type FreezeLevel };

const LEVEL_TEXT: Record<FreezeLevel, [string, string]> = {
  withdrawals: ['出金・出金先口座の変更', 'withdrawals and bank-account changes'],
  orders: ['注文', 'orders'],
  sign_in: ['ログイン', 'sign-in'],
};

/** How a freeze came about (the audit entry and the notice say it). */
export type FreezeSource = 'customer' | 'freeze_code' | 'not_me';

const SOURCE_TEXT: Record<FreezeSource, [string, string]> = {
  customer: ['お客様の操作によるものです', 'You set it'],
  freeze_code: ['通知メールの緊急停止コードによるものです', 'Set with the freeze code of a notice e-mail'],
  not_me: ['「心当たりがない」とのご連絡によるものです', 'Set by your "this wasn\'t me" report'],
};

function levelParams(levels: readonly FreezeLevel[]) {
  return { levelsJa: levels.map((l) => LEVEL_TEXT[l][0]).join('、'), levelsEn: levels.map((l) => LEVEL_TEXT[l][1]).join(', ') };
}

function sorted(levels: readonly FreezeLevel[]): FreezeLevel[] {
  return FREEZE_LEVELS.filter((level) => levels.includes(level));
}

function since(state: FreezeRecord, level: FreezeLevel): number | null {
  return level === 'withdrawals' ? state.withdrawals : level === 'orders' ? state.orders : state.signIn;
}

/** Since when these levels (those of them frozen) have been frozen: the earliest; `now` when none is. */
function frozenSince(state: FreezeRecord, levels: readonly FreezeLevel[], now: number): number {
  const times = levels.map((level) => since(state, level)).filter((t): t is number => t !== null);
  return times.length === 0 ? now : Math.min(...times);
}

/**
 * Whether a passkey may lift a freeze that began at `frozenAt`: it was past its cooling-off (the risk
 * engine's "mature") by then. A passkey enrolled shortly before the freeze — the very one a customer
 * freezes over, planted by a thief — never lifts it, however long it waits; an operator does, after an
 * identity check.
 */
function liftsFreeze(deps: Pick<Deps, 'policy'>, passkey: { createdAt: number }, frozenAt: number): boolean {
  return passkeyMatureAt(deps.policy, passkey) <= frozenAt;
}

/** The customer's passkeys that may lift these levels' freeze. */
async function liftingPasskeys(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customerId: string, levels: readonly FreezeLevel[]) {
  const [state, passkeys] = await Promise.all([freezeOf(deps, customerId), deps.store.factors.listPasskeys(customerId)]);
  const frozenAt = frozenSince(state, levels, deps.clock.now());
  return { passkeys, lifting: passkeys.filter((p) => liftsFreeze(deps, p, frozenAt)), frozenAt };
}

/** The refusal's reason when the customer's passkeys are all younger than the freeze's cooling-off: the call centre lifts it. */
const NO_LIFTING_PASSKEY = 'no_passkey_before_freeze';

export function freezeOf(deps: Pick<Deps, 'store'>, customerId: string): Promise<FreezeRecord> {
  return deps.store.protection.freezeOf(customerId);
}

/** 423 account_frozen when this level is frozen for the customer; undefined otherwise. */
export async function refuseIfFrozen(deps: Pick<Deps, 'store'>, customerId: string, level: FreezeLevel): Promise<Failure | undefined> {
  const state = await freezeOf(deps, customerId);
  return since(state, level) === null ? undefined : frozenFailure(level);
}

/** The answer to what a freeze of this level stops. */
export function frozenFailure(level: FreezeLevel): Failure {
  return fail('account_frozen', { level });
}

/** When a withdrawal requested now is held until, because of a lift within the cooling-off (or null). */
export function heldAfterLift(deps: Pick<Deps, 'policy'>, state: FreezeRecord, now: number): number | null {
  return state.liftedAt !== null && now - state.liftedAt < deps.policy.coolingOffMs ? state.liftedAt + deps.policy.coolingOffMs : null;
}

export interface FreezeView {
  withdrawals: { frozen: boolean; since: string | null };
  orders: { frozen: boolean; since: string | null };
  signIn: { frozen: boolean; since: string | null };
  /** After a lift, withdrawals are held until then (the cooling-off). */
  withdrawalsHeldUntil: string | null;
  /** Whether the customer has a passkey that may lift the freeze (past its cooling-off before it; else: the call centre). */
  liftWithPasskey: boolean;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function viewFreeze(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customer: CustomerRecord): Promise<FreezeView> {
  const [state, passkeys] = await Promise.all([freezeOf(deps, customer.id), deps.store.factors.listPasskeys(customer.id)]);
  const frozenAt = frozenSince(state, FREEZE_LEVELS, deps.clock.now());
  return {
    withdrawals: { frozen: state.withdrawals !== null, since: iso(state.withdrawals) },
    orders: { frozen: state.orders !== null, since: iso(state.orders) },
    signIn: { frozen: state.signIn !== null, since: iso(state.signIn) },
    withdrawalsHeldUntil: iso(heldAfterLift(deps, state, deps.clock.now())),
    liftWithPasskey: passkeys.some((p) => liftsFreeze(deps, p, frozenAt)),
  };
}

/**
 * Freeze: instant and always allowed (no second factor: whoever holds the session may only stop
 * things). Freezing sign-in ends every session of the customer, the current one included, and a
 * sign-in racing it (the credential version moves on). Audited, and the customer is told.
 */
export async function freeze(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>,
  customer: CustomerRecord,
  levels: readonly FreezeLevel[],
  source: FreezeSource,
  actor = 'customer',
): Promise<FreezeRecord> {
  const chosen = sorted(levels);
  const now = deps.clock.now();
  return withinTransaction(deps, async (deps) => {
    const state = await deps.store.protection.freeze(customer.id, chosen, now);
    if (chosen.includes('sign_in')) await endAllSessions(deps, customer.id);
    await recordAudit(deps, customer.id, 'account_frozen', { levels: chosen, source }, actor);
    await queueNotice(deps, customer, 'account_frozen', { ...levelParams(chosen), how: SOURCE_TEXT[source][0], howEn: SOURCE_TEXT[source][1] });
    return state;
  });
}

/** How a freeze is lifted: the customer's passkey, or an operator after a fresh identity check. */
export type UnfreezeBy =
  | { by: 'passkey'; levels: readonly FreezeLevel[]; rp: RelyingParty; response: unknown; session: SessionRecord }
  | { by: 'operator'; levels: readonly FreezeLevel[]; actor: string; reason: string; identityCheck: string };

function passkeyPurpose(session: SessionRecord, levels: readonly FreezeLevel[]): string {
  return `unfreeze:${session.lineageId}:${sorted(levels).join(',')}`;
}

/**
 * Step 1 of a lift by passkey: request options for the customer's passkeys, the WebAuthn challenge
 * stored for this operation, these levels and this session only.
 */
export async function startUnfreezeByPasskey(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy'>,
  rp: RelyingParty,
  customer: CustomerRecord,
  session: SessionRecord,
  levels: readonly FreezeLevel[],
): Promise<PublicKeyCredentialRequestOptionsJSON | Failure> {
  const { passkeys, lifting } = await liftingPasskeys(deps, customer.id, levels);
  if (passkeys.length === 0) return fail('method_unavailable', { method: 'passkey', reason: 'no_passkey' });
  if (lifting.length === 0) return fail('method_unavailable', { method: 'passkey', reason: NO_LIFTING_PASSKEY });
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: new Uint8Array(deps.random.bytes(32)),
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
    allowCredentials: lifting.map((p) => ({ id: p.id, transports: asTransports(p.transports) })),
  });
  const now = deps.clock.now();
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: passkeyPurpose(session, levels), customerId: customer.id, expiresAt: now + WEBAUTHN_TIMEOUT_MS }, now);
  return options;
}

/**
 * Why an operator may not lift these levels for the customer (or undefined): only where no passkey of the
 * customer may lift it — a passkey planted before the freeze does not stop the call centre. Asked when
 * the lift is requested (four eyes: docs/operators.md) and again when it runs.
 */
export async function refuseOperatorLift(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customerId: string, levels: readonly FreezeLevel[]): Promise<Failure | undefined> {
  if (levels.length === 0) return fail('invalid_request', { field: 'levels', reason: 'at least one level' });
  return (await liftingPasskeys(deps, customerId, levels)).lifting.length > 0 ? fail('unfreeze_by_passkey') : undefined;
}

/**
 * 制限の解除: the one door every lift goes through (the back office may put an approval in front of
 * the operator's). A passkey must verify for exactly this operation, levels and session (under the
 * phishing-resistant policy for withdrawals, a passkey past its cooling-off); an operator may lift only
 * for a customer with no passkey, naming the identity check and the reason. The lift starts the
 * withdrawals' cooling-off. Audited with the operator, and the customer is told.
 */
export async function unfreeze(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'events' | 'policy' | 'firmName'>,
  customer: CustomerRecord,
  how: UnfreezeBy,
): Promise<FreezeView | Failure> {
  const levels = sorted(how.levels);
  if (levels.length === 0) return fail('invalid_request', { field: 'levels', reason: 'at least one level' });
  const now = deps.clock.now();
  let detail: Record<string, unknown>;
  let actor = 'customer';
  if (how.by === 'passkey') {
    const verified = await verifyPasskeyAssertion(deps, how.rp, how.response, { purpose: passkeyPurpose(how.session, levels), customerId: customer.id });
    if ('refused' in verified) {
      deps.logger.info({ unfreeze: 'refused', reason: verified.refused }, 'unfreeze by passkey refused');
      return fail('invalid_credentials');
    }
    const frozenAt = frozenSince(await freezeOf(deps, customer.id), levels, now);
    if (!liftsFreeze(deps, verified.passkey, frozenAt)) {
      deps.logger.warn({ unfreeze: 'refused', reason: 'passkey not past its cooling-off before the freeze', customerId: customer.id }, 'unfreeze by a young passkey refused');
      return fail('method_unavailable', { method: 'passkey', reason: NO_LIFTING_PASSKEY });
    }
    detail = { levels, by: 'passkey', passkey: verified.passkey.id.slice(0, 16) };
  } else {
    const refused = await refuseOperatorLift(deps, customer.id, levels);
    if (refused) return refused;
    detail = { levels, by: 'operator', reason: how.reason, identityCheck: how.identityCheck };
    actor = how.actor;
  }
  await applyLift(deps, customer, levels, detail, actor, how.by);
  return viewFreeze(deps, customer);
}

async function applyLift(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>,
  customer: CustomerRecord,
  levels: FreezeLevel[],
  detail: Record<string, unknown>,
  actor: string,
  by: 'passkey' | 'operator',
): Promise<void> {
  const now = deps.clock.now();
  await withinTransaction(deps, async (deps) => {
    await deps.store.protection.lift(customer.id, levels, now);
    await recordAudit(deps, customer.id, 'account_unfrozen', detail, actor);
    const byText: [string, string] = by === 'passkey' ? ['パスキーによる解除', 'lifted with your passkey'] : ['コールセンターでの本人確認による解除', 'lifted by our call centre after an identity check'];
    await queueNotice(deps, customer, 'account_unfrozen', { ...levelParams(levels), how: byText[0], howEn: byText[1] });
  });
}

const SIGN_IN_PURPOSE = 'unfreeze-sign-in';

/**
 * ログイン一時停止の解除, from the sign-in page: whoever froze sign-in cannot sign in to lift it, so a
 * discoverable passkey (user verification required) lifts the sign-in freeze of its own customer, with
 * no session. Request options first (no credential list: the passkey says whose it is).
 */
export async function startSignInUnfreeze(deps: Pick<Deps, 'store' | 'clock' | 'random'>, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({ rpID: rp.id, challenge: new Uint8Array(deps.random.bytes(32)), userVerification: 'required', timeout: WEBAUTHN_TIMEOUT_MS });
  const now = deps.clock.now();
  await deps.store.factors.insertWebAuthnChallenge({ challenge: options.challenge, purpose: SIGN_IN_PURPOSE, customerId: null, expiresAt: now + WEBAUTHN_TIMEOUT_MS }, now);
  return options;
}

/** The sign-in freeze lifted by the customer's passkey (the address's failures counted as at a passkey sign-in). */
export async function liftSignInFreezeWithPasskey(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'logger' | 'events' | 'policy' | 'firmName'>,
  rp: RelyingParty,
  response: unknown,
  client: { address: string },
): Promise<{ status: 'lifted' } | Failure> {
  const now = deps.clock.now();
  const place = await reserve(deps, `login-fail:addr:${client.address}`, deps.policy.addressFailureLimit, deps.policy.addressWindowMs, now);
  if (!place) return fail('too_many_attempts', { retryAfter: Math.ceil(deps.policy.addressWindowMs / 1000) });
  const verified = await verifyPasskeyAssertion(deps, rp, response, { purpose: SIGN_IN_PURPOSE, customerId: null });
  const customer = 'passkey' in verified ? await deps.store.customers.findById(verified.passkey.customerId) : undefined;
  if (!customer || !('passkey' in verified)) {
    deps.logger.info({ unfreeze: 'refused', reason: 'refused' in verified ? verified.refused : 'no customer' }, 'sign-in unfreeze by passkey refused');
    return fail('invalid_credentials');
  }
  if (!liftsFreeze(deps, verified.passkey, frozenSince(await freezeOf(deps, customer.id), ['sign_in'], now))) {
    deps.logger.warn({ unfreeze: 'refused', reason: 'passkey not past its cooling-off before the freeze', customerId: customer.id }, 'sign-in unfreeze by a young passkey refused');
    return fail('method_unavailable', { method: 'passkey', reason: NO_LIFTING_PASSKEY });
  }
  await release(deps, place);
  await applyLift(deps, customer, ['sign_in'], { levels: ['sign_in'], by: 'passkey', passkey: verified.passkey.id.slice(0, 16), from: 'sign-in page' }, 'customer', 'passkey');
  return { status: 'lifted' };
}
