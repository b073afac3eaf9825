import { dictionary } from '@zxcvbn-ts/language-common';

// NIST SP 800-63B rev 4: length over composition, a blocklist, no truncation, any Unicode.

const COMMON = new Set<string>((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export const MAX_PASSWORD_LENGTH = 128;

export type WeakPasswordReason = 'too_short' | 'too_long' | 'too_common' | 'contains_login_id' | 'same_as_login_password' | 'control_characters';

export interface PasswordRuleInput {
  password: string;
  loginId: string;
  minLength: number;
}

export function checkPasswordRules({ password, loginId, minLength }: PasswordRuleInput): WeakPasswordReason | undefined {
  // Length in code points, so a password of kanji or emoji is measured as typed.
  const length = [...password.normalize('NFC')].length;
  if (length < minLength) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'control_characters';
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || isRepetition(lower)) return 'too_common';
  if (loginId.length >= 3 && lower.includes(loginId.toLowerCase())) return 'contains_login_id';
  return undefined;
}

/** "aaaaaaaaaaaaaaa" or "passwordpassword": long, but a guesser's first try. */
function isRepetition(password: string): boolean {
  for (let unit = 1; unit <= password.length / 2; unit++) {
    const piece = password.slice(0, unit);
    if (piece.repeat(Math.ceil(password.length / unit)).slice(0, password.length) === password) return true;
  }
  return false;
}

/** A password alone signs in unless policy makes 2FA mandatory: then 8 suffices (security.md). */
export function loginPasswordMinLength(mfaRequired: boolean): number {
  return mfaRequired ? 8 : 15;
}

/** The trading password never signs in alone. */
export const TRADING_PASSWORD_MIN_LENGTH = 8;
