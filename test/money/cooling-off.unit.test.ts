import { describe, expect, it } from 'vitest';
import type { ReplacedContact } from '../../src/domain/kernel/store.js';
import type { AuditEntry, CustomerRecord } from '../../src/domain/kernel/types.js';
import { contactsOfWindow, oldContactNotices, tellContactsOfNewPasskey } from '../../src/domain/money/withdrawal-cooling-off.js';
import { heldUntil } from '../../src/domain/money/withdrawals.js';
import { fakeDeps } from '../support/fake-ports.js';

// The cooling-off's audience: whoever held a contact of the customer during the last 24 hours (the
// window of docs/security.md), so a thief who changed the e-mail and then the bank account cannot
// keep the real owner from hearing of the withdrawal. No server, no database.

const HOUR = 3_600_000;
const NOW = fakeDeps().clock.now();

function customer(overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  return {
    id: 'c1',
    loginId: 'taro',
    name: 'テスト 顧客',
    email: 'now@example.jp',
    phone: '+819011112222',
    phoneType: 'mobile',
    contactChangedAt: null,
    ...overrides,
  } as CustomerRecord;
}

const replaced = (kind: 'email' | 'phone', value: string, replacedAt: number, phoneType: 'mobile' | 'landline' | null = kind === 'phone' ? 'mobile' : null): ReplacedContact => ({ kind, value, phoneType, replacedAt });
const audit = (at: number, action: string, detail: Record<string, unknown>): AuditEntry => ({ seq: at, customerId: 'c1', at, actor: 'customer', action, detail, prevHash: '', hash: '' });

/** A store that keeps what a change kept, and answers as the real one does: by the `since` it is asked for. */
function window(contacts: ReplacedContact[], entries: AuditEntry[] = []) {
  const asked: number[] = [];
  const queued: Array<{ channel: string; recipient: string; body: string; kind: string }> = [];
  const deps = fakeDeps({
    store: {
      customers: {
        replacedContactsSince: async (_id: string, since: number) => {
          asked.push(since);
          return contacts.filter((c) => c.replacedAt >= since);
        },
      },
      audit: { listForCustomer: async () => entries },
      notices: { enqueue: async (row: { channel: string; recipient: string; body: string; kind: string }) => void queued.push(row) },
    },
  });
  return { deps, asked, queued };
}

describe('the contacts of the cooling-off window', () => {
  it('looks back exactly 24 hours, or the window the policy sets', async () => {
    const { deps, asked } = window([]);
    await contactsOfWindow(deps, customer());
    expect(asked).toEqual([NOW - 24 * HOUR]);
    const short = fakeDeps({ policy: { coolingOffMs: HOUR }, store: { customers: { replacedContactsSince: async (_id: string, since: number) => (asked.push(since), []) }, audit: { listForCustomer: async () => [] } } });
    await contactsOfWindow(short, customer());
    expect(asked[1]).toBe(short.clock.now() - HOUR);
  });

  it('with nothing changed: no old address, and the mobile on record', async () => {
    const { deps } = window([]);
    expect(await contactsOfWindow(deps, customer())).toEqual({ emails: [], phones: ['+819011112222'] });
    expect(await contactsOfWindow(deps, customer({ phoneType: 'landline', phone: '+81312345678' }))).toEqual({ emails: [], phones: [] });
    expect(await contactsOfWindow(deps, customer({ phone: null, phoneType: null }))).toEqual({ emails: [], phones: [] });
  });

  it('an e-mail change and then a bank change: the replaced address is told, however many changes came after', async () => {
    const { deps } = window([replaced('email', 'old@example.jp', NOW - 3 * HOUR)]);
    const contacts = await contactsOfWindow(deps, customer({ contactChangedAt: NOW - HOUR }));
    expect(contacts.emails).toEqual(['old@example.jp']);
    const twice = window([replaced('email', 'first@example.jp', NOW - 20 * HOUR), replaced('email', 'second@example.jp', NOW - 2 * HOUR), replaced('email', 'first@example.jp', NOW - 3 * HOUR)]);
    expect((await contactsOfWindow(twice.deps, customer())).emails).toEqual(['first@example.jp', 'second@example.jp']);
  });

  it('a contact replaced more than 24 hours ago is no longer told', async () => {
    const { deps } = window([replaced('email', 'long-ago@example.jp', NOW - 24 * HOUR - 1), replaced('phone', '+819033334444', NOW - 25 * HOUR)]);
    expect(await contactsOfWindow(deps, customer())).toEqual({ emails: [], phones: ['+819011112222'] });
  });

  it('a phone changed in the window: the old mobile is texted, the new one (maybe the thief’s) is not; an old landline gets no SMS', async () => {
    const { deps } = window([replaced('phone', '+819055556666', NOW - HOUR), replaced('phone', '+81312345678', NOW - 2 * HOUR, 'landline')]);
    expect(await contactsOfWindow(deps, customer())).toEqual({ emails: [], phones: ['+819055556666'] });
  });

  it('reads the audit trail for changes made before contacts were kept, within the window only, and never names the current address', async () => {
    const { deps } = window(
      [replaced('email', 'now@example.jp', NOW - HOUR)],
      [audit(NOW - HOUR, 'email_changed', { previousEmail: 'audited@example.jp' }), audit(NOW - 30 * HOUR, 'email_changed', { previousEmail: 'older@example.jp' }), audit(NOW - 2 * HOUR, 'phone_changed', {})],
    );
    expect(await contactsOfWindow(deps, customer())).toEqual({ emails: ['audited@example.jp'], phones: [] });
  });
});

describe('what the window is told', () => {
  const bankAccount = { bankName: '三菱UFJ銀行', branchName: '本店', accountNumber: '7654321', holderName: 'テスト' };

  it('of a held withdrawal: an e-mail to each old address and an SMS to each mobile, naming the amount and the account’s last 4 digits', async () => {
    const { deps } = window([replaced('email', 'old@example.jp', NOW - HOUR), replaced('phone', '+819055556666', NOW - HOUR)]);
    const rows = await oldContactNotices(deps, customer(), { id: 'w1', customerId: 'c1', amount: 900_000, bankAccount, heldUntil: NOW + 24 * HOUR, at: NOW });
    expect(rows.map((r) => [r.channel, r.recipient, r.kind])).toEqual([
      ['email', 'old@example.jp', 'withdrawal_requested'],
      ['sms', '+819055556666', 'withdrawal_requested_sms'],
    ]);
    expect(rows[0]!.body).toContain('900,000円（口座末尾 4321）');
    expect(rows[1]!.body).toBe('【Kabuto証券】出金 900,000円（口座末尾 4321）を受け付けました。連絡先の変更直後のため24時間保留します。お心当たりがない場合は至急当社へご連絡ください。');
    expect(rows.every((r) => r.createdAt === NOW)).toBe(true);
  });

  it('of a new passkey: every contact of the window, through the outbox', async () => {
    const { deps, queued } = window([replaced('email', 'old@example.jp', NOW - HOUR)]);
    await tellContactsOfNewPasskey(deps, customer(), 'YubiKey');
    expect(queued.map((r) => [r.channel, r.recipient, r.kind])).toEqual([
      ['email', 'old@example.jp', 'passkey_added'],
      ['sms', '+819011112222', 'passkey_added_sms'],
    ]);
    expect(queued[0]!.body).toContain('YubiKey');
    expect(queued[1]!.body).toContain('登録から24時間は出金・口座変更に使えません');
  });
});

describe('a withdrawal is held within the window of a contact change (heldUntil)', () => {
  const deps = fakeDeps();
  const DAY = 24 * HOUR;

  it('is not held without a change, nor once 24 hours have passed since it', () => {
    expect(heldUntil(deps, customer(), NOW)).toBeNull();
    expect(heldUntil(deps, customer({ contactChangedAt: NOW - DAY }), NOW)).toBeNull();
    expect(heldUntil(deps, customer({ contactChangedAt: NOW - 2 * DAY }), NOW)).toBeNull();
  });

  it('is held for 24 hours from the request when the change is younger than 24 hours', () => {
    expect(heldUntil(deps, customer({ contactChangedAt: NOW }), NOW)).toBe(NOW + DAY);
    expect(heldUntil(deps, customer({ contactChangedAt: NOW - DAY + 1 }), NOW)).toBe(NOW + DAY);
  });

  it('follows the policy when an operator sets another window', () => {
    const short = fakeDeps({ policy: { coolingOffMs: HOUR } });
    expect(heldUntil(short, customer({ contactChangedAt: NOW - 30 * 60_000 }), NOW)).toBe(NOW + HOUR);
    expect(heldUntil(short, customer({ contactChangedAt: NOW - 2 * HOUR }), NOW)).toBeNull();
  });
});
