import type { RandomSource } from './ports.js';
import { hmacHex } from './crypto.js';

export const CODE_LENGTH = 6;

export function generateCode(random: RandomSource): string {
  return String(random.int(10 ** CODE_LENGTH)).padStart(CODE_LENGTH, '0');
}

/** Stored instead of the code: bound to the challenge, so a code hash is useless elsewhere. */
export function hashCode(key: Buffer, challengeId: string, code: string): string {
  return hmacHex(key, `code:${challengeId}:${code}`);
}

/**
 * Full-width digits (１２３４５６, typed with a Japanese IME) are normalised to ASCII, and spaces or
 * hyphens a customer may type are dropped. Anything else that is not six digits is a wrong code.
 */
export function normaliseCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 32) return undefined;
  const folded = input.normalize('NFKC').replace(/[\s-]/g, '');
  return /^[0-9]{6}$/.test(folded) ? folded : undefined;
}
