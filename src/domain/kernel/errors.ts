import type { ChallengeView, PhishingResistantOperation } from './types.js';
import type { WithdrawalView } from './money-store.js';
import type { FreezeLevel } from './protection-store.js';

// Expected failures are values, not exceptions. Each has a stable public `code`; the HTTP layer
// maps every code to a status in one table (src/http/error-table.ts).

export const ERROR_CODES = [
  'invalid_request',
  'unsupported_media_type',
  'csrf_rejected',
  'unauthenticated',
  'forbidden',
  'invalid_credentials',
  'too_many_attempts',
  'not_found',
  'payload_too_large',
  'overloaded',
  'internal_error',
  // challenges
  'challenge_not_found',
  'resend_too_soon',
  'send_limit_reached',
  'send_failed',
  'sms_unavailable',
  'voice_unavailable',
  'invalid_code',
  'challenge_expired',
  'code_expired',
  'challenge_used',
  'factor_locked',
  'method_unavailable',
  // step-up
  'step_up_required',
  'challenge_mismatch',
  'phishing_resistant_required',
  'factor_cooling_off',
  'invalid_trading_password',
  'trading_locked',
  // settings
  'mfa_required_by_policy',
  'phone_invalid',
  'phone_not_domestic',
  'weak_password',
  'invalid_password',
  // money
  'insufficient_cash',
  'insufficient_holdings',
  'invalid_quantity',
  'invalid_amount',
  'unknown_symbol',
  'no_bank_account',
  'idempotency_key_reused',
  'withdrawal_not_cancellable',
  // risk
  'risk_refused',
  'hold_not_pending',
  // admin
  'login_id_taken',
  // the customer's own defences (issue 16)
  'account_frozen',
  'unfreeze_by_passkey',
  'recovery_refused',
  // federation (the OpenID Provider)
  'approval_used',
  'approval_mismatch',
  'interaction_not_found',
  // back office: four eyes
  'approval_by_requester',
  'approval_expired',
  'approval_decided',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A code whose error body carries nothing beside `error`, `message` and `requestId`. */
export type NoDetails = { readonly [field: string]: never };

type RetryAfter = { retryAfter: number };

/**
 * The public fields of each code's error body (docs/api.md), beside `error`, `message` and
 * `requestId`: `fail(code, details)` is checked against them and the HTTP layer reads them typed.
 * Every code is listed, so a new code says what it carries.
 */
interface DetailsByCode {
  invalid_request: { field?: string; reason?: string };
  unsupported_media_type: NoDetails;
  csrf_rejected: NoDetails;
  unauthenticated: NoDetails;
  forbidden: NoDetails;
  invalid_credentials: NoDetails;
  too_many_attempts: RetryAfter;
  not_found: NoDetails;
  payload_too_large: NoDetails;
  overloaded: RetryAfter;
  internal_error: NoDetails;
  challenge_not_found: NoDetails;
  resend_too_soon: RetryAfter;
  /** Without `retryAfter` when the challenge's own cap is reached (a new challenge may be asked at once). */
  send_limit_reached: Partial<RetryAfter>;
  send_failed: NoDetails;
  sms_unavailable: { reason: string };
  voice_unavailable: { reason: string };
  /** Without `attemptsLeft` when confirming an app enrolment (no attempt budget). */
  invalid_code: { attemptsLeft?: number };
  challenge_expired: NoDetails;
  code_expired: NoDetails;
  challenge_used: NoDetails;
  factor_locked: NoDetails;
  method_unavailable: { method: string; available?: string[]; reason?: string };
  step_up_required: { challenge: ChallengeView };
  challenge_mismatch: NoDetails;
  phishing_resistant_required: { operation?: PhishingResistantOperation };
  factor_cooling_off: RetryAfter & { availableAt: string };
  invalid_trading_password: { attemptsLeft: number };
  trading_locked: RetryAfter;
  mfa_required_by_policy: NoDetails;
  phone_invalid: { reason: 'format' | 'unsupported_type' };
  phone_not_domestic: NoDetails;
  weak_password: { reason: string; minLength?: number; field?: string };
  invalid_password: NoDetails;
  insufficient_cash: NoDetails;
  insufficient_holdings: NoDetails;
  invalid_quantity: { field?: string; reason?: string };
  invalid_amount: { field?: string };
  unknown_symbol: { symbol: string };
  no_bank_account: NoDetails;
  idempotency_key_reused: NoDetails;
  withdrawal_not_cancellable: { withdrawal: WithdrawalView };
  /** The plain reason only: the rule and the signals are for operators (admin API). */
  risk_refused: NoDetails;
  hold_not_pending: { status: string };
  login_id_taken: NoDetails;
  /** The frozen level that refused the operation (withdrawals, orders, sign_in). */
  account_frozen: { level: FreezeLevel };
  unfreeze_by_passkey: NoDetails;
  recovery_refused: NoDetails;
  approval_used: NoDetails;
  approval_mismatch: { field?: string };
  interaction_not_found: NoDetails;
  approval_by_requester: NoDetails;
  approval_expired: NoDetails;
  approval_decided: { status: string };
}

export type FailureDetails<C extends ErrorCode> = DetailsByCode[C];

/** One failure per code, its fields typed by the code: narrowing on `code` narrows `fields`. */
export type Failure<C extends ErrorCode = ErrorCode> = {
  [K in C]: {
    readonly failure: true;
    readonly code: K;
    /** Extra public fields of the error body (attemptsLeft, retryAfter, challenge, reason, field...). */
    readonly fields: FailureDetails<K>;
  };
}[C];

/** The details argument: required when the code carries a required field, optional otherwise. */
type DetailsArgument<C extends ErrorCode> = Record<string, never> extends FailureDetails<C> ? [details?: FailureDetails<C>] : [details: FailureDetails<C>];

export function fail<C extends ErrorCode>(code: C, ...[details]: DetailsArgument<C>): Failure<C> {
  return { failure: true, code, fields: details ?? {} } as Failure<C>;
}

/** A failure for a code read back as text (a stored refusal); undefined when no such code exists now. */
export function failureOf(code: string, fields: Record<string, unknown> = {}): Failure | undefined {
  return (ERROR_CODES as readonly string[]).includes(code) ? ({ failure: true, code, fields } as Failure) : undefined;
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as Failure).failure === true;
}

/** Thrown (not returned) when the hashing queue is full: the request is shed at once with 503. */
export class OverloadedError extends Error {
  readonly code = 'overloaded';
  constructor(readonly retryAfterSeconds: number) {
    super('password hashing queue is full');
  }
}

/**
 * Thrown (not returned) when the database cannot be reached in time (connection refused or reset, a
 * frozen link, a starved pool, a statement time-out): answered 503 with Retry-After, never 500.
 */
export class UnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
