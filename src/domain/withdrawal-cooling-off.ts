import type { Deps } from './context.js';
import { formatYen } from './challenge-create.js';
import type { WithdrawalRecord } from './money-store.js';
import { sendNotice } from './notices.js';
import { newQueuedNotice } from './notice-outbox.js';
import type { CustomerRecord } from './types.js';
import { last4 } from './phone.js';

// Cooling-off (security.md: SIM swap, account takeover). Someone who took over an account changes
// the contacts first, so a withdrawal soon after is held, and the contacts that were there before
// the change hear of it: the real customer still holds them.

/**
 * The contacts that predate the latest change, read from the audit trail: the phone unless it was
 * changed, and a replaced e-mail address when the change recorded it (`previousEmail`).
 */
async function oldContacts(deps: Deps, customer: CustomerRecord): Promise<{ phone: string | null; emails: string[] }> {
  const since = customer.contactChangedAt ?? 0;
  const recent = (await deps.store.audit.listForCustomer(customer.id, 100)).filter((e) => e.at >= since);
  const phoneChanged = recent.some((e) => e.action === 'phone_changed');
  const emails = recent
    .map((e) => e.detail.previousEmail)
    .filter((email): email is string => typeof email === 'string' && email !== customer.email);
  const phone = !phoneChanged && customer.phone && customer.phoneType === 'mobile' ? customer.phone : null;
  return { phone, emails: [...new Set(emails)] };
}

export async function tellOldContacts(deps: Deps, customer: CustomerRecord, withdrawal: Omit<WithdrawalRecord, 'seq'>): Promise<void> {
  const { phone, emails } = await oldContacts(deps, customer);
  const accountLast4 = last4(withdrawal.bankAccount.accountNumber);
  const params = { amount: withdrawal.amount.toLocaleString('ja-JP'), last4: accountLast4, status: '保留中 pending（24時間 / 24 hours）' };
  for (const email of emails) await sendNotice(deps, email, 'withdrawal_requested', params);
  if (!phone) return;
  const text = `【${deps.firmName}】出金 ${formatYen(withdrawal.amount)}（口座末尾 ${accountLast4}）を受け付けました。連絡先の変更直後のため24時間保留します。お心当たりがない場合は至急当社へご連絡ください。`;
  // Through the durable outbox like every notice: no request waits for the SMS provider.
  await deps.store.notices.enqueue(newQueuedNotice(deps.clock, deps.random, { channel: 'sms', recipient: phone, subject: null, body: text, kind: 'withdrawal_held_sms' }));
}
