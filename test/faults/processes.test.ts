import { createServer, type Server } from 'node:http';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { BANK, newKey } from '../money/money-support.js';
import { freshProcessDatabase, type ProcessDatabase } from '../money/process-database.js';
import { startProcessServer, type ProcessServer } from '../money/process-server.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import { figure, startFakeSmtp, type FakeSmtp } from './fake-smtp.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// Real `kabuto serve` processes: a kill -9 just past a withdrawal's commit (issue 13.1), and SIGTERM
// with a grace period and a hard deadline (issue 13.5). Real clock, short settings.

/** The English half of the subject, as nodemailer encodes it (quoted-printable words: _ for a space). */
const isWithdrawalNotice = (raw: string) => /^Subject:[^]*?Withdrawal(_| )requested/m.test(raw.split(/\r?\n\r?\n/)[0]!);

describe('fault: kill -9 just past a withdrawal commit', () => {
  let database: ProcessDatabase;
  let smtp: FakeSmtp;
  let proxy: TcpProxy;
  const servers: ProcessServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    await proxy?.close();
    await smtp?.close();
    await database?.drop();
  });

  it('loses neither the notice nor the audit entry: the next instance sends the notice, once', async () => {
    database = await freshProcessDatabase();
    smtp = await startFakeSmtp();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: smtp.port });
    const env = { KABUTO_SMTP_URL: proxy.url('smtp'), KABUTO_SMTP_TIMEOUT_MS: '1000', KABUTO_NOTICE_RETRY_MS: '200', KABUTO_NOTICE_POLL_MS: '100' };
    const first = await startProcessServer(database.url, env);
    servers.push(first);
    const customer = await createCustomer(first.asTestServer(), { cash: 1_000_000, bankAccount: BANK });
    const browser = first.client();
    expect((await signInWithPassword(browser, customer)).status).toBe(200);
    // The sign-in notice has gone and is marked sent (received is not enough: a link dropped before the
    // server's 250 reaches Kabuto makes it send again, at least once by design); then the mail server
    // refuses connections: nothing can leave before the kill.
    await expect.poll(() => smtp.to(customer.email).length, { timeout: 10_000, interval: 50 }).toBe(1);
    const sentNotices = async () => {
      const handle = database.open();
      try {
        const { rows } = await sql<{ n: number | string }>`select count(*) as n from notice_queue where status = 'sent'`.execute(handle.db);
        return Number(rows[0]!.n);
      } finally {
        await handle.close();
      }
    };
    await expect.poll(sentNotices, { timeout: 10_000, interval: 50 }).toBe(1);
    proxy.set('drop');
    const response = await browser.post('/api/v1/withdrawals', { amount: 123_456, tradingPassword: customer.tradingPassword, idempotencyKey: newKey('kill') });
    expect(response.status).toBe(201); // committed
    await first.kill('SIGKILL');

    proxy.set('pass');
    const second = await startProcessServer(database.url, env);
    servers.push(second);
    const started = Date.now();
    const withdrawalNotices = () => smtp.to(customer.email).filter((m) => isWithdrawalNotice(m.raw));
    await expect.poll(() => withdrawalNotices().length, { timeout: 25_000, interval: 100 }).toBe(1);
    const waited = Date.now() - started;
    // Nothing more comes: wait a few sender rounds.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(withdrawalNotices()).toHaveLength(1);
    expect(smtp.to(customer.email)).toHaveLength(2); // and the sign-in notice, once
    const handle = database.open();
    try {
      const audit = await handle.db.selectFrom('auditLog').select(['action']).where('action', '=', 'withdrawal_requested').execute();
      expect(audit).toHaveLength(1);
    } finally {
      await handle.close();
    }
    figure(`kill -9 just past a withdrawal's commit: after restart the withdrawal notice was sent ${withdrawalNotices().length} time(s) (after ${waited} ms), its audit entry present once`);
  });
});

describe('fault: SIGTERM', () => {
  let database: ProcessDatabase;
  let provider: Server | undefined;
  const servers: ProcessServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    provider?.closeAllConnections();
    provider?.close();
    await database?.drop();
  });

  it('turns /readyz false, keeps serving for the grace period, then exits; a request that never ends cannot hold it past the deadline', async () => {
    database = await freshProcessDatabase();
    // An SMS provider that accepts and never answers (its own time-out set far away): one request hangs.
    provider = createServer(() => {});
    await new Promise<void>((resolve) => provider!.listen(0, '127.0.0.1', resolve));
    const providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}`;
    const server = await startProcessServer(database.url, {
      KABUTO_SHUTDOWN_GRACE_MS: '1500',
      KABUTO_SHUTDOWN_TIMEOUT_MS: '4000',
      KABUTO_SMS_API_URL: providerUrl,
      KABUTO_SMS_ACCOUNT_SID: 'AC0123',
      KABUTO_SMS_AUTH_TOKEN: 'token',
      KABUTO_SMS_FROM: '+815012345678',
      KABUTO_SMS_TIMEOUT_MS: '120000',
    });
    servers.push(server);
    const customer = await createCustomer(server.asTestServer());
    const browser = server.client();
    expect((await signInWithPassword(browser, customer)).status).toBe(200);
    const step = await browser.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: customer.tradingPassword });
    expect(step.status).toBe(403);
    const hanging = browser.post(`/api/v1/challenges/${step.body.challenge.id}/sms`).catch(() => 'connection closed');

    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => server.child.once('exit', (code) => resolve({ code, at: Date.now() })));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ready = await server.client().get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ reason: 'shutting down' });
    // Still serving during the grace period (the balancer is taking the instance out).
    const during = await server.client().get('/api/v1/instruments');
    expect(during.status).toBe(200);
    const { code, at } = await exited;
    const took = at - signalled;
    await hanging;
    figure(`SIGTERM: /readyz 503 at once, served during the 1.5 s grace, exited (code ${code}) after ${took} ms with a request still hanging (deadline 4 s)`);
    expect(took).toBeGreaterThanOrEqual(1_500);
    expect(took).toBeLessThan(4_000 + 2_000);
    expect(code).toBe(1);
  });

  it('exits 0 soon after the grace period when nothing is in flight', async () => {
    const server = await startProcessServer(database.url, { KABUTO_SHUTDOWN_GRACE_MS: '500', KABUTO_SHUTDOWN_TIMEOUT_MS: '10000' });
    servers.push(server);
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => server.child.once('exit', (code) => resolve({ code, at: Date.now() })));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const { code, at } = await exited;
    figure(`SIGTERM with nothing in flight: exited (code ${code}) after ${at - signalled} ms (grace 0.5 s, deadline 10 s)`);
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(10_000);
  });
});
