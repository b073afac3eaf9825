// Expected failures are values, not exceptions. Each has a stable public `code`; the HTTP layer
// maps every code to a status in one table (src/http/error-table.ts).

export const ERROR_CODES = [
  'invalid_request',
  'unsupported_media_type',
  'csrf_rejected',
  'unauthenticated',
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
  // admin
  'login_id_taken',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface Failure {
  readonly failure: true;
  readonly code: ErrorCode;
  /** Extra public fields of the error body (attemptsLeft, retryAfter, challenge, reason, field...). */
  readonly fields: Record<string, unknown>;
}

export function fail(code: ErrorCode, fields: Record<string, unknown> = {}): Failure {
  return { failure: true, code, fields };
}

/** A failure for a code read back as text (a stored refusal); undefined when no such code exists now. */
export function failureOf(code: string, fields: Record<string, unknown> = {}): Failure | undefined {
  return (ERROR_CODES as readonly string[]).includes(code) ? fail(code as ErrorCode, fields) : undefined;
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
