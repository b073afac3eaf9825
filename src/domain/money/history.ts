import type { Deps } from '../kernel/context.js';
import { fail, type Failure } from '../kernel/errors.js';
import type { Page } from '../kernel/page.js';
import { viewEntry } from './ledger.js';
import { viewOrder, type OrderView } from './orders.js';

/** 入出金履歴, newest first; the cursor is the sequence number of the previous page's last entry. */
export async function cashHistory(deps: Pick<Deps, 'store'>, customerId: string, page: Page) {
  return (await deps.store.money.listEntries(customerId, page.limit, page.before)).map(viewEntry);
}

/** 注文履歴, newest first; the cursor is the id of the previous page's last order (one of the customer's own). */
export async function orderHistory(deps: Pick<Deps, 'store'>, customerId: string, page: Page<string>): Promise<OrderView[] | Failure> {
  const cursor = page.before !== undefined ? await deps.store.money.findOrder(customerId, page.before) : undefined;
  if (page.before !== undefined && !cursor) return fail('invalid_request', { field: 'before', reason: 'unknown order id' });
  return (await deps.store.money.listOrders(customerId, page.limit, cursor?.seq)).map(viewOrder);
}
