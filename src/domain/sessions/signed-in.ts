import type { Deps } from '../kernel/context.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';

/**
 * The customer a live session (resolveSession's) belongs to; undefined when the account is gone.
 * A read (`fresh: false`) may take it from the session cache, which forgets it at every write of the
 * row on every instance; a request that changes something reads the row itself, so its decisions
 * (a lock, a factor, a password hash) rest on the database's answer.
 */
export function customerOfSession(deps: Pick<Deps, 'store'>, session: SessionRecord, options: { fresh: boolean } = { fresh: true }): Promise<CustomerRecord | undefined> {
  return options.fresh ? deps.store.customers.findById(session.customerId) : deps.store.customers.findForSession(session.customerId);
}
