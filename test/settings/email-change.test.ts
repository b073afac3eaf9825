import { describe, expect, it } from 'vitest';
import { useTestServer, type TestServer } from '../support/harness.js';
import { outbox, signedIn, signInWithPassword } from '../support/flows.js';
import { rememberSecret } from '../support/known-secrets.js';

// Issue 16.4: an e-mail change takes effect only once the code sent to the new address comes back; the
// old address hears of the request and of the change.

async function codeAt(server: TestServer, email: string): Promise<string> {
  const mail = (await outbox(server, email)).find((m) => m.subject?.includes('メールアドレス確認コード'));
  const code = mail?.body.match(/確認コード: ([0-9]{6})/)?.[1];
  if (!code) throw new Error(`no confirmation code for ${email}`);
  rememberSecret(code);
  return code;
}

describe('e-mail change', () => {
  const server = useTestServer();

  it('waits for the code sent to the new address; then changes, ends the other sessions and tells the old address', async () => {
    const { customer, client } = await signedIn(server);
    const other = server.client();
    await signInWithPassword(other, customer);
    const newEmail = `moved-${customer.email}`;
    const asked = await client.put('/api/v1/settings/profile', { email: newEmail, tradingPassword: customer.tradingPassword });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body).toMatchObject({ email: customer.email, pendingEmail: newEmail });
    expect((await client.get('/api/v1/me')).body.email).toBe(customer.email);
    const old = await outbox(server, customer.email);
    expect(old.some((m) => m.body.includes('確認待ち'))).toBe(true);

    const code = await codeAt(server, newEmail);
    const wrong = await client.post('/api/v1/settings/email/confirm', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_code', attemptsLeft: 4 });
    const confirmed = await client.post('/api/v1/settings/email/confirm', { code });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toEqual({ email: newEmail });
    expect((await client.get('/api/v1/me')).body.email).toBe(newEmail);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    expect((await outbox(server, customer.email)).some((m) => m.subject?.includes('登録情報を変更しました') && m.body.includes('（email）'))).toBe(true);
    // Used once.
    expect((await client.post('/api/v1/settings/email/confirm', { code })).status).toBe(410);
  });

  it('five wrong codes end the request; another customer cannot confirm it; without a request there is nothing to confirm', async () => {
    const { customer, client } = await signedIn(server);
    expect((await client.post('/api/v1/settings/email/confirm', { code: '123456' })).status).toBe(410);
    await client.put('/api/v1/settings/profile', { email: `typo-${customer.email}`, tradingPassword: customer.tradingPassword });
    const code = await codeAt(server, `typo-${customer.email}`);
    const { client: stranger } = await signedIn(server);
    expect((await stranger.post('/api/v1/settings/email/confirm', { code })).status).toBe(410);
    for (let i = 0; i < 5; i++) expect((await client.post('/api/v1/settings/email/confirm', { code: code === '000000' ? '111111' : '000000' })).status).toBe(400);
    expect((await client.post('/api/v1/settings/email/confirm', { code })).status).toBe(410);
    expect((await client.get('/api/v1/me')).body.email).toBe(customer.email);
  });
});
