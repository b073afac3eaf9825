import type { Deps } from '../kernel/context.js';
import { normaliseCode } from '../kernel/codes.js';
import { decryptSecret } from './encryption.js';
import { matchTotpStep } from './totp.js';

/** A challenge answered with an app code: the step must match and be later than the last one used. */
export async function checkTotpCode(deps: Pick<Deps, 'store' | 'secrets'>, customerId: string, rawCode: unknown, now: number): Promise<boolean> {
  const code = normaliseCode(rawCode);
  const record = await deps.store.factors.findTotp(customerId);
  if (code === undefined || !record?.secretEnc) return false;
  const step = matchTotpStep(decryptSecret(deps.secrets.encryptionKey, customerId, record.secretEnc), code, now);
  return step !== undefined && deps.store.factors.useTotpStep(customerId, step);
}
