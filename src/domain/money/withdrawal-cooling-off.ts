import type { Deps } from '../kernel/context.js';
import { formatYen } from '../challenges/create.js';
import type { WithdrawalRecord } from '../kernel/money-store.js';
import { noticeFor, type NoticeKind } from '../kernel/notices.js';
import { newQueuedNotice } from '../kernel/notice-outbox.js';
import type { CustomerRecord } from '../kernel/types.js';
import { last4 } from '../kernel/phone-numbers.js';

// Cooling-off (security.md: SIM swap, account takeover). Someone who took over an account changes
// the contacts first, so a withdrawal soon after is held, and the contacts that were there before
// the change hear of it: the real customer still holds them. The look-back is the whole window, not
// the latest change: an e-mail change followed by a bank change still tells the replaced address.

export interface WindowContacts {
  /** Replaced e-mail addresses (the current one hears through the ordinary notice). */
  emails: string[];
  /** Mobile numbers to tell by SMS: every replaced one, and the current one unless it is new. */
  phones: string[];
}

/**
 * Everyone who held a contact of this customer during the cooling-off window: the replaced contacts
 * kept by each change (and, for changes made before they were kept, the audit trail's
 * `previousEmail`), and the current phone unless it was itself changed in the window.
 */
export async function contactsOfWindow(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customer: CustomerRecord): Promise<WindowContacts> {
  const since = deps.clock.now() - deps.policy.coolingOffMs;
  const [replaced, audit] = await Promise.all([
    deps.store.customers.replacedContactsSince(customer.id, since),
    deps.store.audit.listForCustomer(customer.id, 200),
  ]);
  const recentAudit = audit.filter((e) => e.at >= since);
  const emails = [
    ...replaced.filter((c) => c.kind === 'email').map((c) => c.value),
    ...recentAudit.map((e) => e.detail.previousEmail).filter((email): email is string => typeof email === 'string'),
  ].filter((email) => email !== customer.email);
  const phoneChanged = replaced.some((c) => c.kind === 'phone') || recentAudit.some((e) => e.action === 'phone_changed');
  const phones = replaced.filter((c) => c.kind === 'phone' && c.phoneType === 'mobile').map((c) => c.value);
  if (!phoneChanged && customer.phone && customer.phoneType === 'mobile') phones.push(customer.phone);
  return { emails: [...new Set(emails)], phones: [...new Set(phones)] };
}

/** The rows that tell every contact of the window (e-mails, and an SMS to each mobile), for the durable outbox. */
function noticesForContacts(deps: Pick<Deps, 'clock' | 'random' | 'firmName'>, contacts: WindowContacts, notice: { kind: NoticeKind; params: Record<string, string | number> }, sms: string): QueuedRow[] {
  return [
    ...contacts.emails.map((email) => noticeFor(deps, email, notice.kind, notice.params)),
    // Through the durable outbox like every notice: no request waits for the SMS provider.
    ...contacts.phones.map((phone) => newQueuedNotice(deps.clock, deps.random, { channel: 'sms', recipient: phone, subject: null, body: sms, kind: `${notice.kind}_sms` })),
  ];
}

type QueuedRow = ReturnType<typeof newQueuedNotice>;

async function tell(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>, contacts: WindowContacts, notice: { kind: NoticeKind; params: Record<string, string | number> }, sms: string): Promise<void> {
  for (const row of noticesForContacts(deps, contacts, notice, sms)) await deps.store.notices.enqueue(row);
}

/**
 * A held withdrawal: the rows that tell the contacts of the window, written by the caller in the
 * money transaction with the debit (a crash just past the commit loses none of them).
 */
export async function oldContactNotices(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'firmName'>, customer: CustomerRecord, withdrawal: Omit<WithdrawalRecord, 'seq'>): Promise<QueuedRow[]> {
  const contacts = await contactsOfWindow(deps, customer);
  const accountLast4 = last4(withdrawal.bankAccount.accountNumber);
  const params = { amount: withdrawal.amount.toLocaleString('ja-JP'), last4: accountLast4, status: '保留中 pending（24時間 / 24 hours）' };
  const text = `【${deps.firmName}】出金 ${formatYen(withdrawal.amount)}（口座末尾 ${accountLast4}）を受け付けました。連絡先の変更直後のため24時間保留します。お心当たりがない場合は至急当社へご連絡ください。`;
  return noticesForContacts(deps, contacts, { kind: 'withdrawal_requested', params }, text);
}

/**
 * A new passkey: besides the notice to the current address, every contact of the window hears of it
 * (an address or phone replaced just before by whoever planted it included).
 */
export async function tellContactsOfNewPasskey(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'firmName'>, customer: CustomerRecord, name: string): Promise<void> {
  const contacts = await contactsOfWindow(deps, customer);
  const text = `【${deps.firmName}】パスキーが登録されました。登録から24時間は出金・口座変更に使えません。お心当たりがない場合は至急当社へご連絡ください。`;
  await tell(deps, contacts, { kind: 'passkey_added', params: { name } }, text);
}
