import type { Deps } from './context.js';
import { hmacHex } from './crypto.js';
import { recordAudit } from './audit.js';
import { queueNotice, withinTransaction } from './notices.js';
import { authoriseFactorChange, type FactorChangeRequest } from './factor-change.js';
import type { Failure } from './errors.js';
import type { CustomerRecord, SessionRecord } from './types.js';
import { endOtherSessions } from './sessions.js';

// Recovery codes: the way back in when the phone or the authenticator is lost. Ten single-use codes
// of 16 characters from a 32-letter alphabet (80 bits each), shown once, stored only as keyed hashes.

export const RECOVERY_CODE_COUNT = 10;
/** At or below this many left, the customer is told to make a new set. */
export const RECOVERY_CODES_LOW = 3;
// No 0/O, 1/I: a code copied by hand from paper is read back right.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 16;

export function hashRecoveryCode(deps: Deps, customerId: string, code: string): string {
  return hmacHex(deps.secrets.codeKey, `recovery:${customerId}:${code}`);
}

/** Full-width letters, lower case, spaces and hyphens are forgiven; anything else is a wrong code. */
export function normaliseRecoveryCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  const folded = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  return folded.length === LENGTH && [...folded].every((c) => ALPHABET.includes(c)) ? folded : undefined;
}

function newRecoveryCode(deps: Deps): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[deps.random.int(ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

/** A new set; the old set dies in the same transaction. The plain codes leave here once, for display. */
export async function generateRecoveryCodes(deps: Deps, customer: CustomerRecord, session: SessionRecord, request: FactorChangeRequest): Promise<{ codes: string[] } | Failure> {
  const authorised = await authoriseFactorChange(deps, customer, session, request, { factor: 'recovery_codes', action: 'generate' });
  if (authorised !== true) return authorised;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode(deps));
  const hashes = codes.map((code) => hashRecoveryCode(deps, customer.id, normaliseRecoveryCode(code)!));
  await withinTransaction(deps, async (deps) => {
    await deps.store.factors.replaceRecoveryCodes(customer.id, hashes, deps.clock.now());
    await endOtherSessions(deps, session);
    await recordAudit(deps, customer.id, 'recovery_codes_generated', { count: codes.length });
    await queueNotice(deps, customer, 'recovery_codes_generated', { count: codes.length });
  });
  return { codes };
}

export async function viewRecoveryCodes(deps: Deps, customerId: string): Promise<{ remaining: number; total: number; low: boolean }> {
  const { remaining, total } = await deps.store.factors.countRecoveryCodes(customerId);
  return { remaining, total, low: total > 0 && remaining <= RECOVERY_CODES_LOW };
}

/** Spend one code; true when it was unused. The customer hears of every use, with what remains. */
export async function useRecoveryCode(deps: Deps, customer: CustomerRecord, code: string): Promise<{ remaining: number } | undefined> {
  return withinTransaction(deps, async (deps) => {
    const used = await deps.store.factors.useRecoveryCode(customer.id, hashRecoveryCode(deps, customer.id, code), deps.clock.now());
    if (!used) return undefined;
    const { remaining } = await deps.store.factors.countRecoveryCodes(customer.id);
    await recordAudit(deps, customer.id, 'recovery_code_used', { remaining });
    await queueNotice(deps, customer, 'recovery_code_used', { remaining });
    return { remaining };
  });
}
