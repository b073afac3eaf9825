import type { Deps } from '../kernel/context.js';
import { hmacHex } from '../kernel/crypto.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import type { CustomerRecord } from '../kernel/types.js';

// Recovery codes: the way back in when the phone or the authenticator is lost. Ten single-use codes
// of 16 characters from a 32-letter alphabet (80 bits each), shown once, stored only as keyed hashes.

export const RECOVERY_CODE_COUNT = 10;
/** At or below this many left, the customer is told to make a new set. */
export const RECOVERY_CODES_LOW = 3;
// No 0/O, 1/I: a code copied by hand from paper is read back right.
export const RECOVERY_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const RECOVERY_CODE_LENGTH = 16;

export function hashRecoveryCode(deps: Pick<Deps, 'secrets'>, customerId: string, code: string): string {
  return hmacHex(deps.secrets.codeKey, `recovery:${customerId}:${code}`);
}

/** Full-width letters, lower case, spaces and hyphens are forgiven; anything else is a wrong code. */
export function normaliseRecoveryCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  const folded = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  return folded.length === RECOVERY_CODE_LENGTH && [...folded].every((c) => RECOVERY_CODE_ALPHABET.includes(c)) ? folded : undefined;
}

export async function viewRecoveryCodes(deps: Pick<Deps, 'store'>, customerId: string): Promise<{ remaining: number; total: number; low: boolean }> {
  const { remaining, total } = await deps.store.factors.countRecoveryCodes(customerId);
  return { remaining, total, low: total > 0 && remaining <= RECOVERY_CODES_LOW };
}

/** Spend one code; true when it was unused. The customer hears of every use, with what remains. */
export async function useRecoveryCode(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'firmName'>, customer: CustomerRecord, code: string): Promise<{ remaining: number } | undefined> {
  return withinTransaction(deps, async (deps) => {
    const used = await deps.store.factors.useRecoveryCode(customer.id, hashRecoveryCode(deps, customer.id, code), deps.clock.now());
    if (!used) return undefined;
    const { remaining } = await deps.store.factors.countRecoveryCodes(customer.id);
    await recordAudit(deps, customer.id, 'recovery_code_used', { remaining });
    await queueNotice(deps, customer, 'recovery_code_used', { remaining });
    return { remaining };
  });
}
