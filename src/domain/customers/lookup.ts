import type { Deps } from '../kernel/context.js';
import type { CustomerRecord } from '../kernel/types.js';

/** The customer with this login ID (the back office names customers by it). */
export function findCustomer(deps: Pick<Deps, 'store'>, loginId: string): Promise<CustomerRecord | undefined> {
  return deps.store.customers.findByLoginId(loginId);
}
