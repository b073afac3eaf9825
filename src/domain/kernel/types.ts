// The records the domain reasons about. Plain data: the store maps them to rows.

export type MfaMethod = 'none' | 'sms' | 'totp' | 'passkey';
export type MfaScope = 'login' | 'all';
export type PhoneType = 'mobile' | 'landline';
export type CodeChannel = 'sms' | 'voice';

export const PURPOSES = [
  'login',
  'withdrawal',
  'registration_change',
  'mfa_settings',
  'phone_change',
  'password_change',
  'phone_verification',
  /** A step-up at the OpenID Provider's sign-in (a relying party asked for more assurance: docs/oidc.md). */
  'federated_login',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface BankAccount {
  bankName: string;
  branchName: string;
  accountNumber: string;
  holderName: string;
}

export interface CustomerRecord {
  id: string;
  loginId: string;
  name: string;
  email: string;
  address: string | null;
  passwordHash: string;
  tradingPasswordHash: string;
  /** E.164, domestic only. */
  phone: string | null;
  phoneType: PhoneType | null;
  phoneVerified: boolean;
  mfaMethod: MfaMethod;
  mfaScope: MfaScope;
  failedLogins: number;
  lockCount: number;
  lockedUntil: number | null;
  tradingFailures: number;
  tradingLockedUntil: number | null;
  /** Set when too many challenges died: the second factor waits for an operator. */
  factorLocked: boolean;
  bankAccount: BankAccount | null;
  /** Last change of phone, e-mail or bank account: withdrawals cool off after it. */
  contactChangedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /**
   * Bumped by every credential change (password, phone, e-mail, factors, an operator's reset): a
   * session carrying an older version is refused, however its sign-in raced the change.
   */
  credentialVersion: number;
}

export type ChallengeStatus = 'pending' | 'verified' | 'used' | 'dead';

/** Second factors beyond the phone that a challenge may offer. */
export type ExtraFactor = 'totp' | 'passkey' | 'recovery_code';

/** Operations that may take a passkey only (KABUTO_PHISHING_RESISTANT). */
export type PhishingResistantOperation = 'login' | 'withdrawal' | 'bank_account' | 'factors';

/**
 * What a challenge fixes at its creation, stored with it (JSON): what it offers, whatever is enrolled
 * or changed meanwhile, and what its purpose needs at verification. One flat object, as stored.
 */
export interface ChallengeData {
  /** The type of the phone codes go to (null: no phone, no codes). */
  phoneType?: PhoneType | null;
  /** The factors it offers besides codes to the phone. */
  factors?: ExtraFactor[];
  /** Set when the policy takes a passkey alone for it: the policed operation. */
  phishingResistant?: PhishingResistantOperation;
  /** It proves the phone itself (turning SMS on): no other factor will do. */
  codesOnly?: boolean;
  /** Step-up challenges: the lineage of the session that asked (a verified step-up serves it alone). */
  sessionLineage?: string;
  /** phone_verification: issued after the current second factor passed. */
  afterStepUp?: boolean;
  /** Login challenges: the client that passed the password, why a second factor is asked, and the credential version it was checked against. */
  address?: string;
  userAgent?: string;
  reason?: string;
  credentialVersion?: number;
}

export type ChallengeMethod =
  | { type: 'sms'; phoneLast4: string }
  | { type: 'voice'; phoneLast4: string }
  | { type: 'totp' }
  | { type: 'passkey' }
  | { type: 'recovery_code' };

/** The challenge as the API shows it (docs/api.md `Challenge`), also in a 403 step_up_required. */
export interface ChallengeView {
  id: string;
  purpose: Purpose;
  summary: string;
  expiresAt: string;
  methods: ChallengeMethod[];
}

/** What a login challenge carries from the password check (see `loginDataOf`). */
export interface LoginChallengeData {
  address: string;
  userAgent: string;
  reason: string;
  credentialVersion: number;
}

export interface ChallengeRecord {
  id: string;
  customerId: string;
  purpose: Purpose;
  /** Hash of the operation's content: a verified challenge serves only that content. */
  contentHash: string;
  summary: string;
  data: ChallengeData;
  status: ChallengeStatus;
  attempts: number;
  codeHash: string | null;
  codeExpiresAt: number | null;
  codeChannel: CodeChannel | null;
  sends: number;
  lastSentAt: number | null;
  /** Where codes go: the registered phone, or the new number for phone_verification. */
  targetPhone: string | null;
  createdAt: number;
  expiresAt: number;
  verifiedAt: number | null;
  usedAt: number | null;
}

export interface SessionRecord {
  id: string;
  secretHash: string;
  customerId: string;
  createdAt: number;
  lastSeenAt: number;
  address: string;
  userAgent: string;
  /** The customer's credential version when the sign-in checked the password (or passkey). */
  credentialVersion: number;
  /** The first session id of this browser's chain of rotations: a verified step-up belongs to it. */
  lineageId: string;
  /** How the sign-in was authenticated: RFC 8176 `amr` values, space-separated (`pwd`, `pwd sms mfa`, `hwk user mfa`); absent on older rows. */
  amr?: string | null;
}

export interface LoginEvent {
  id: string;
  customerId: string | null;
  loginId: string;
  at: number;
  address: string;
  userAgent: string;
  result: 'signed_in' | 'second_factor_required' | 'invalid_credentials' | 'locked' | 'second_factor_failed' | 'risk_refused';
}

export interface OutboxMessage {
  id: string;
  channel: 'sms' | 'voice' | 'email';
  recipient: string;
  subject: string | null;
  body: string;
  at: number;
}

export interface AuditEntry {
  seq: number;
  customerId: string | null;
  at: number;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The sign-in a login challenge belongs to; undefined for any other challenge (or a row missing it). */
export function loginDataOf(challenge: Pick<ChallengeRecord, 'purpose' | 'data'>): LoginChallengeData | undefined {
  const { address, userAgent, reason, credentialVersion } = challenge.data;
  if (challenge.purpose !== 'login' || typeof credentialVersion !== 'number') return undefined;
  return { address: address ?? '', userAgent: userAgent ?? '', reason: reason ?? '', credentialVersion };
}

/** What an operator (or an automation's service token) may do in the back office: each admin route names the roles it admits. */
export const OPERATOR_ROLES = ['viewer', 'support', 'supervisor', 'security'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
