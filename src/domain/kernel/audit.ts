import type { Deps } from './context.js';

/** Writes the append-only, hash-chained audit trail (security.md: tampering, forensics). */
export async function recordAudit(
  deps: Pick<Deps, 'store' | 'clock'>,
  customerId: string | null,
  action: string,
  detail: Record<string, unknown> = {},
  actor = 'customer',
): Promise<void> {
  await deps.store.audit.append({ customerId, at: deps.clock.now(), actor, action, detail });
}
