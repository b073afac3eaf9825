import type { Deps } from '../kernel/context.js';
import type { Page } from '../kernel/page.js';

/** ログイン履歴: sign-ins and refused attempts, newest first; the cursor is the time of the previous page's last. */
export async function signInHistory(deps: Pick<Deps, 'store'>, customerId: string, page: Page) {
  const events = await deps.store.loginEvents.list(customerId, page.limit, page.before);
  return events.map((e) => ({ at: new Date(e.at).toISOString(), address: e.address, userAgent: e.userAgent, result: e.result }));
}
