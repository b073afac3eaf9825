import { ApiError } from '../../api/client';
import type { ChallengeMethod, CodeSent } from '../../api/types';
import { resendWaitMs } from '../code-timing';

// The challenge screen as one reducer: which method is shown, the code sent for it, the typed code,
// the last failure, and whether the check is over (verified, or dead). Pure: the panel runs the requests.

export type MethodType = ChallengeMethod['type'];

/** Strongest first: a passkey cannot be phished, an app code cannot be intercepted in the network, SMS/voice last. */
const STRENGTH: Record<MethodType, number> = { passkey: 0, totp: 1, sms: 2, voice: 2, recovery_code: 3 };

let lastUsed: MethodType | null = null;
/** Remembered for this tab only (no web storage): the next check starts with what the customer used. */
export function rememberMethod(method: MethodType): void {
  if (method !== 'recovery_code') lastUsed = method;
}

export function orderedMethods(methods: ChallengeMethod[], last: MethodType | null = lastUsed): ChallengeMethod[] {
  const sorted = [...methods].sort((a, b) => STRENGTH[a.type] - STRENGTH[b.type]);
  const index = last ? sorted.findIndex((m) => m.type === last) : -1;
  if (index > 0) sorted.unshift(...sorted.splice(index, 1));
  return sorted;
}

export type View = 'method' | 'choose' | 'verified' | 'final';

export interface ChallengeState {
  view: View;
  method: ChallengeMethod | null;
  /** The code sent by SMS or voice, and for which channel. */
  sent: (CodeSent & { channel: 'sms' | 'voice' }) | null;
  resendAt: number | null;
  /** The code sent has expired: 再送信 is the one thing to do. */
  expired: boolean;
  code: string;
  error: unknown;
  /** Counts failures, so that each one (even the same twice) moves focus to its message. */
  failures: number;
  busy: boolean;
  recoveryCodesLeft: number | null;
  /** Counts the steps (method shown, list, verified): each new step's heading takes focus. */
  step: number;
}

export type ChallengeAction =
  | { type: 'choose'; method: ChallengeMethod }
  | { type: 'list' }
  | { type: 'typed'; code: string }
  | { type: 'started' }
  | { type: 'sent'; sent: CodeSent; channel: 'sms' | 'voice'; now: number }
  | { type: 'failed'; error: unknown; now: number }
  | { type: 'verified'; recoveryCodesLeft?: number }
  | { type: 'refused'; error: unknown };

/** Codes after which this challenge can never pass: the customer starts again. */
const FINAL_ERRORS = new Set(['too_many_attempts', 'challenge_expired', 'challenge_used', 'challenge_not_found', 'factor_locked', 'send_limit_reached', 'challenge_mismatch']);

export function isFinal(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return FINAL_ERRORS.has(error.code) || (error.code === 'invalid_code' && Number(error.fields.attemptsLeft) <= 0);
}

/** Failures that concern the typed code: the code field is marked invalid and described by the message. */
export function isCodeError(error: unknown): boolean {
  return error instanceof ApiError && ['invalid_code', 'code_format', 'code_expired'].includes(error.code);
}

export function initialChallengeState(methods: ChallengeMethod[]): ChallengeState {
  return {
    view: 'method',
    method: orderedMethods(methods)[0] ?? null,
    sent: null,
    resendAt: null,
    expired: false,
    code: '',
    error: null,
    failures: 0,
    busy: false,
    recoveryCodesLeft: null,
    step: 0,
  };
}

/** Full-width digits become ASCII; everything else is dropped. */
export function digitsOnly(value: string): string {
  return value.replace(/[^0-9０-９]/g, '').replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

export function challengeReducer(state: ChallengeState, action: ChallengeAction): ChallengeState {
  switch (action.type) {
    case 'choose':
      return { ...state, view: 'method', method: action.method, code: '', error: null, expired: false, step: state.step + 1 };
    case 'list':
      return { ...state, view: 'choose', error: null, step: state.step + 1 };
    case 'typed':
      return { ...state, code: action.code };
    case 'started':
      return { ...state, busy: true, error: null };
    case 'sent':
      return {
        ...state,
        busy: false,
        sent: { ...action.sent, channel: action.channel },
        resendAt: action.now + resendWaitMs(action.sent),
        expired: false,
        code: '',
        error: null,
      };
    case 'failed': {
      const next = { ...state, busy: false, error: action.error, failures: state.failures + 1, code: '' };
      if (isFinal(action.error)) return { ...next, view: 'final', step: state.step + 1 };
      if (action.error instanceof ApiError && action.error.code === 'code_expired') return { ...next, expired: true, resendAt: null };
      if (action.error instanceof ApiError && action.error.code === 'resend_too_soon') {
        return { ...next, resendAt: action.now + Number(action.error.fields.retryAfter ?? 60) * 1000 };
      }
      return next;
    }
    case 'verified':
      return { ...state, busy: false, view: 'verified', error: null, code: '', recoveryCodesLeft: action.recoveryCodesLeft ?? null, step: state.step + 1 };
    case 'refused':
      // The check passed but the operation refused: this challenge is spent.
      return { ...state, busy: false, view: 'final', error: action.error, failures: state.failures + 1, step: state.step + 1 };
  }
}
