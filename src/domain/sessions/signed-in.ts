import type { Deps } from '../kernel/context.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';

/** The customer a live session (resolveSession's) belongs to; undefined when the account is gone. */
export function customerOfSession(deps: Pick<Deps, 'store'>, session: SessionRecord): Promise<CustomerRecord | undefined> {
  return deps.store.customers.findById(session.customerId);
}
