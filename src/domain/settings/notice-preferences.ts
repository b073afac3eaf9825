import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import type { CustomerRecord } from '../kernel/types.js';

// お知らせの設定 (issue 16.4): a sign-in notice on every sign-in, or (the default) from new devices only.
// Failed-sign-in bursts, locks and every security change are told whatever this says.

export async function viewNoticePreferences(deps: Pick<Deps, 'store'>, customer: CustomerRecord): Promise<{ everySignIn: boolean }> {
  return { everySignIn: await deps.store.protection.noticeOnEverySignIn(customer.id) };
}

/** Audited; the customer is told (a thief turning notices down is seen). */
export async function changeNoticePreferences(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>, customer: CustomerRecord, change: { everySignIn: boolean }): Promise<{ everySignIn: boolean }> {
  await withinTransaction(deps, async (deps) => {
    await deps.store.protection.setNoticeOnEverySignIn(customer.id, change.everySignIn, deps.clock.now());
    await recordAudit(deps, customer.id, 'notice_preferences_changed', { everySignIn: change.everySignIn });
    await queueNotice(deps, customer, 'profile_changed', { fields: change.everySignIn ? 'ログイン通知: 毎回 / sign-in notices: every sign-in' : 'ログイン通知: 新しい端末のみ / sign-in notices: new devices only' });
  });
  return viewNoticePreferences(deps, customer);
}
