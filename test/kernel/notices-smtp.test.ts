import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { renderNotice, type NoticeKind } from '../../src/domain/kernel/notices.js';
import { useTestServer } from '../support/harness.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';

// Every notice kind, checked for completeness by the compiler.
const KINDS = {
  login_locked: true,
  trading_locked: true,
  factor_locked: true,
  password_changed: true,
  trading_password_changed: true,
  mfa_changed: true,
  phone_changed: true,
  profile_changed: true,
  mfa_reset: true,
  new_device_login: true,
  order_executed: true,
  withdrawal_requested: true,
  withdrawal_cancelled: true,
  recovery_code_used: true,
  recovery_codes_generated: true,
  totp_enrolled: true,
  passkey_added: true,
  passkey_removed: true,
  risk_held: true,
  risk_hold_released: true,
  risk_hold_rejected: true,
  risk_sign_in_refused: true,
  account_frozen: true,
  account_unfrozen: true,
  not_me_reported: true,
  password_recovered: true,
  login_id_reminder: true,
  sign_in_notice: true,
  failed_sign_ins: true,
  federated_withdrawal_approved: true,
  desk_request: true,
  passkey_deadline: true,
} satisfies Record<NoticeKind, true>;

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** The headers and the decoded text of a single-part message, as a mail client shows them. */
function decode(raw: string): { subject: string; body: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head!.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => unfolded.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1] ?? '';
  const subject = header('Subject').replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQ(text.replace(/_/g, ' ')),
  );
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const payload = rest.join('\n\n');
  const body = encoding === 'base64' ? Buffer.from(payload.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQ(payload.replace(/=\r?\n/g, '')) : payload;
  return { subject, body };
}

function decodeQ(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!));
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('notices', () => {
  it.each(Object.keys(KINDS) as NoticeKind[])('renders %s in Japanese and English, without links', (kind) => {
    const { subject, body } = renderNotice(kind, 'Kabuto証券', { until: 'x', method: 'sms', scope: 'all', last4: '1234', fields: 'email', at: 'x', address: 'x', userAgent: 'x', side: 'buy', symbol: '7203', quantity: 1, price: 1, amount: '1', status: 'x', remaining: 5, count: 10, name: 'iPhone', what: '注文', whatEn: 'an order', place: 'JP', levelsJa: '出金', levelsEn: 'withdrawals', how: 'x', howEn: 'x', loginIds: 'cust1', action_ja: '二要素認証のリセット', action_en: 'reset your two-factor authentication', date: '2026-04-01' });
    expect(subject).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(subject).toMatch(/ \/ [A-Z][a-z]/);
    expect(body).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(body.split('---')[1]).toMatch(/[A-Za-z]{4,}/);
    expect(body).not.toMatch(/https?:\/\//);
    expect(body).not.toContain('undefined');
  });
});

describe('notices by SMTP (nodemailer)', () => {
  let smtp: SMTPServer;
  let port = 0;
  const received: Received[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const address = smtp.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  const server = useTestServer(() => ({ env: { KABUTO_SMTP_URL: `smtp://127.0.0.1:${port}`, KABUTO_MAIL_FROM: 'security@kabuto.example.jp' } }), { per: 'suite' });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the new-device notice as a Japanese and English e-mail', async () => {
    const customer = await createCustomer(server);
    expect((await signInWithPassword(server.client({ userAgent: 'Firefox/140' }), customer)).body.status).toBe('signed_in');
    await expect.poll(() => received.filter((m) => m.to.includes(customer.email)).length).toBe(1);
    const mail = received.find((m) => m.to.includes(customer.email))!;
    expect(mail.from).toBe('security@kabuto.example.jp');
    const { subject, body } = decode(mail.raw);
    expect(subject).toBe('【Kabuto証券】ログインのお知らせ / New sign-in');
    expect(body).toContain('ブラウザ: Firefox 140 / 不明 (unknown)');
    expect(body).toContain('Browser: Firefox 140 / 不明 (unknown)');
    // Nothing went to the development outbox.
    expect((await server.client().get(`/api/dev/outbox?to=${encodeURIComponent(customer.email)}`)).body).toEqual([]);
  });
});

describe('a mail server that is down', () => {
  // Port 9 (discard) on loopback: nothing listens, the connection is refused.
  const server = useTestServer({ env: { KABUTO_SMTP_URL: 'smtp://127.0.0.1:9' } }, { per: 'suite' });

  it('never undoes the sign-in it reports; the notice waits in the outbox for a retry, the failure is logged', async () => {
    const customer = await createCustomer(server);
    expect((await signInWithPassword(server.client(), customer)).body.status).toBe('signed_in');
    await expect.poll(() => server.logs.join('\n')).toContain('notice could not be sent; will retry');
    expect(await server.kabuto.deps.store.notices.counts()).toMatchObject({ pending: 1, sent: 0 });
  });
});
