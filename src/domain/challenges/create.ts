import type { Deps } from '../kernel/context.js';
import { canonicalJson, hmacHex, newId } from '../kernel/crypto.js';
import { last4 } from '../kernel/phone-numbers.js';
import { extraFactorsOf, summariseFactors } from '../factors/summary.js';
import { phishingResistanceRequired, policyFor } from '../factors/phishing-resistance.js';
import type { ChallengeData, ChallengeMethod, ChallengeRecord, ChallengeView, CustomerRecord, PhoneType, Purpose } from '../kernel/types.js';

export type { ChallengeMethod, ChallengeView };

/** Binds a challenge to an operation's content; keyed, so content holding secrets leaks nothing. */
export function hashContent(deps: Pick<Deps, 'secrets'>, purpose: Purpose, content: unknown): string {
  return hmacHex(deps.secrets.codeKey, `content:${purpose}:${canonicalJson(content)}`);
}

export interface NewChallenge {
  customer: CustomerRecord;
  purpose: Purpose;
  content: unknown;
  summary: string;
  /** Codes go here instead of the registered phone (a new number being proved). */
  target?: { phone: string; type: PhoneType };
  /** What its purpose needs later (`codesOnly`, a login's client, a step-up's session lineage). */
  data?: Omit<ChallengeData, 'phoneType' | 'factors' | 'phishingResistant'>;
  /** A login the risk engine stepped up: a passkey alone where the customer has one past its cooling-off. */
  passkeyWhereOne?: boolean;
  /** A passkey alone, whatever the policy says (a relying party asked for phishing-resistant sign-in). */
  phishingResistant?: ChallengeData['phishingResistant'];
}

export async function createChallenge(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'secrets'>, input: NewChallenge): Promise<ChallengeRecord> {
  const challenge = await newChallenge(deps, input);
  await deps.store.challenges.insert(challenge);
  return challenge;
}

/** The challenge `createChallenge` would store, not stored yet (its caller inserts it with other writes). */
export async function newChallenge(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'secrets'>, input: NewChallenge): Promise<ChallengeRecord> {
  const now = deps.clock.now();
  const phone = input.target?.phone ?? input.customer.phone;
  const phoneType = input.target?.type ?? input.customer.phoneType;
  // Factors and the phishing-resistance decision are fixed at creation, like the phone: verification
  // checks what was offered, whatever is enrolled or removed meanwhile.
  const summary = await summariseFactors(deps, input.customer.id);
  const factors = input.target || input.data?.codesOnly ? [] : extraFactorsOf(summary);
  const phishingResistant =
    input.phishingResistant ??
    phishingResistanceRequired(await policyFor(deps, input.customer.id), input.purpose, input.content, summary.trustedPasskeys) ??
    (input.passkeyWhereOne && input.purpose === 'login' && summary.maturePasskeys > 0 ? ('login' as const) : undefined);
  const challenge: ChallengeRecord = {
    id: newId(deps.random, 18),
    customerId: input.customer.id,
    purpose: input.purpose,
    contentHash: hashContent(deps, input.purpose, input.content),
    summary: input.summary,
    // The phone and its type are fixed at creation: a number changed meanwhile cannot redirect codes.
    data: { ...input.data, phoneType, factors, ...(phishingResistant ? { phishingResistant } : {}) },
    status: 'pending',
    attempts: 0,
    codeHash: null,
    codeExpiresAt: null,
    codeChannel: null,
    sends: 0,
    lastSentAt: null,
    targetPhone: phone,
    createdAt: now,
    expiresAt: now + deps.policy.challengeTtlMs,
    verifiedAt: null,
    usedAt: null,
  };
  return challenge;
}

/** Code methods a challenge offers: SMS to a mobile, a voice call to a landline. */
export function codeMethods(deps: Pick<Deps, 'voice'>, challenge: ChallengeRecord): ChallengeMethod[] {
  const phone = challenge.targetPhone;
  if (!phone) return [];
  const type = challenge.data.phoneType;
  if (type === 'mobile') return [{ type: 'sms', phoneLast4: last4(phone) }];
  if (type === 'landline' && deps.voice) return [{ type: 'voice', phoneLast4: last4(phone) }];
  return [];
}

/** Codes to the phone, then the factors enrolled at creation; under the phishing-resistant policy, passkeys alone. */
export function challengeMethods(deps: Pick<Deps, 'voice'>, challenge: ChallengeRecord): ChallengeMethod[] {
  const factors = challenge.data.factors ?? [];
  if (challenge.data.phishingResistant) return factors.includes('passkey') ? [{ type: 'passkey' }] : [];
  return [...codeMethods(deps, challenge), ...factors.map((type) => ({ type }))];
}

export function viewChallenge(deps: Pick<Deps, 'voice'>, challenge: ChallengeRecord): ChallengeView {
  return {
    id: challenge.id,
    purpose: challenge.purpose,
    summary: challenge.summary,
    expiresAt: new Date(challenge.expiresAt).toISOString(),
    methods: challengeMethods(deps, challenge),
  };
}

const SUMMARIES: Record<Purpose, string> = {
  login: 'ログイン',
  withdrawal: '出金',
  registration_change: '登録情報の変更',
  mfa_settings: '二要素認証の設定変更',
  phone_change: '電話認証番号の変更',
  password_change: 'パスワードの変更',
  phone_verification: '電話認証番号の確認',
  federated_login: '連携サービスへのログイン',
};

export function defaultSummary(purpose: Purpose): string {
  return SUMMARIES[purpose];
}

export function formatYen(amount: number): string {
  return `${amount.toLocaleString('ja-JP')}円`;
}
