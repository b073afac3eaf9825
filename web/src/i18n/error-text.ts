import { ApiError } from '../api/client';
import type { Texts } from './texts-ja';

// API errors in words: our own texts for the codes a customer meets, the server's message otherwise,
// never a raw code.

const minutes = (seconds: unknown) => Math.max(1, Math.ceil(Number(seconds ?? 60) / 60));

export function errorText(t: Texts, error: unknown): string {
  if (!(error instanceof ApiError)) return t.errors.generic;
  const { code, fields } = error;
  switch (code) {
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
