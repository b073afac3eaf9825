import { ApiError } from './client';

/** Which field a refusal is about: the portal ties the message to that input (aria-invalid, aria-describedby). */
export function fieldOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  switch (error.code) {
    case 'invalid_trading_password':
    case 'trading_locked':
      return 'tradingPassword';
    case 'invalid_credentials':
      return 'password';
    case 'invalid_password':
      return 'currentPassword';
    case 'weak_password':
      return 'newPassword';
    case 'phone_invalid':
    case 'phone_not_domestic':
      return 'phone';
    case 'invalid_amount':
    case 'insufficient_cash':
      return 'amount';
    case 'invalid_quantity':
    case 'insufficient_holdings':
      return 'quantity';
    case 'invalid_email':
      return 'email';
  }
  return null;
}

/** The error message's id for `field` when the failure is about it. */
export function errorIdFor(error: unknown, field: string, id: string): string | null {
  return fieldOf(error) === field ? id : null;
}
