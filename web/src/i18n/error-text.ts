import { ApiError } from '../api/client';
import type { Texts } from './texts-ja';

// Every failure the portal shows, in words, here and nowhere else (test/ops/portal-error-texts.test.ts):
// our own texts for the codes a customer meets, the server's message otherwise, never a raw code nor an
// exception's own message.

/** Where the failure is shown: the check (challenge screen) and the passkey creation word a few their own way. */
export type ErrorPlace = 'form' | 'challenge' | 'passkey_creation' | 'hold';

/** The browser's passkey dialog was dismissed (or timed out): WebAuthn's NotAllowedError. */
function passkeyDismissed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'NotAllowedError';
}

const minutes = (seconds: unknown) => Math.max(1, Math.ceil(Number(seconds ?? 60) / 60));

export function errorText(t: Texts, error: unknown, place: ErrorPlace = 'form'): string {
  if (passkeyDismissed(error)) return place === 'passkey_creation' ? t.errors.passkeyCreationCancelled : t.errors.passkeyCancelled;
  if (!(error instanceof ApiError)) return t.errors.generic;
  const { code, fields } = error;
  // On the check, the last wrong code ends it: say that it cannot pass any more, not "n attempts left".
  // A held request: no passkey of the customer is past its cooling-off yet.
  if (place === 'hold' && code === 'method_unavailable') return t.errors.holdNeedsMaturePasskey;
  if (place === 'challenge' && (code === 'too_many_attempts' || (code === 'invalid_code' && Number(fields.attemptsLeft) <= 0))) return t.errors.deadChallenge;
  switch (code) {
    case 'code_format':
      return t.errors.codeFormat;
    case 'network_error':
      return t.errors.network;
    case 'invalid_code':
      return t.errors.invalidCode(Number(fields.attemptsLeft ?? 0));
    case 'code_expired':
      return t.errors.codeExpired;
    case 'challenge_expired':
      return t.errors.challengeExpired;
    case 'resend_too_soon':
      return t.errors.resendTooSoon(Number(fields.retryAfter ?? 60));
    case 'invalid_trading_password':
      return t.errors.tradingPassword(Number(fields.attemptsLeft ?? 0));
    case 'trading_locked':
      return t.errors.tradingLocked(minutes(fields.retryAfter));
    case 'too_many_attempts':
      return t.errors.tooManySignIns(minutes(fields.retryAfter));
    case 'weak_password': {
      const reason = t.errors.weakPassword[String(fields.reason)];
      return reason ? reason(Number(fields.minLength ?? 8)) : error.serverMessage || t.errors.generic;
    }
  }
  return t.errors.byCode[code] ?? (error.serverMessage || t.errors.generic);
}
