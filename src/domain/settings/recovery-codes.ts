import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import type { Failure } from '../kernel/errors.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { hashRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_ALPHABET, RECOVERY_CODE_COUNT, RECOVERY_CODE_LENGTH } from '../factors/recovery-codes.js';
import { endOtherSessions } from '../sessions/sessions.js';
import { authoriseFactorChange, type FactorChangeRequest } from './factor-change.js';

// A new set of recovery codes is a factor change: the trading password and the current factor first.
// Using a code is the factors room's (src/domain/factors/recovery-codes.ts).

function newRecoveryCode(deps: Pick<Deps, 'random'>): string {
  let code = '';
  for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) code += RECOVERY_CODE_ALPHABET[deps.random.int(RECOVERY_CODE_ALPHABET.length)];
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

