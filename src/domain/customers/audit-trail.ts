import type { Deps } from '../kernel/context.js';
import type { Page } from '../kernel/page.js';

// A customer's audit trail, newest first; the cursor is the sequence number of the previous page's last.

/** セキュリティ履歴, as the customer sees it. */
export async function securityHistory(deps: Pick<Deps, 'store'>, customerId: string, page: Page) {
  const entries = await deps.store.audit.listForCustomer(customerId, page.limit, page.before);
  return entries.map((e) => ({ id: e.seq, at: new Date(e.at).toISOString(), action: e.action, actor: e.actor, detail: e.detail }));
}

/** The same trail for the back office, with each entry's chain hash. */
export async function auditTrail(deps: Pick<Deps, 'store'>, customerId: string, page: Page) {
  const entries = await deps.store.audit.listForCustomer(customerId, page.limit, page.before);
  return entries.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, detail: e.detail, hash: e.hash }));
}
