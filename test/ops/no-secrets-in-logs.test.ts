import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, enableSms, latestCode, signInWithPassword } from '../support/flows.js';
import { secretIn } from '../support/known-secrets.js';

describe('logs', () => {
  // The most verbose level: whatever Fastify or Kabuto would ever log is collected.
  const server = useTestServer({ env: { KABUTO_LOG_LEVEL: 'trace' } }, { per: 'suite' });

  it('never contain a password, a code or a session token, and carry a request id', async () => {
    const secrets: string[] = [];
    const customer = await createCustomer(server);
    secrets.push(customer.password, customer.tradingPassword);
    const client = server.client();
    await signInWithPassword(client, customer);
    secrets.push(...client.sessionCookie!.split('.'));
    await enableSms(server, client, customer, 'all');
    secrets.push(await latestCode(server, customer.phone!));
    await client.post('/api/v1/logout');

    const login = await signInWithPassword(client, customer);
    await client.post(`/api/v1/challenges/${login.body.challenge.id}/sms`);
    const code = await latestCode(server, customer.phone!);
    secrets.push(code);
    await client.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code: code === '000000' ? '111111' : '000000' });
    await client.post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'sms', code });
    secrets.push(...client.sessionCookie!.split('.'));
    const newPassword = 'a brand new passphrase 2026';
    secrets.push(newPassword);
    await client.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword });
    await client.put('/api/v1/settings/password', { currentPassword: 'wrong guess passphrase', newPassword: 'another passphrase 2026' });
    secrets.push('wrong guess passphrase', 'another passphrase 2026');
    await client.post('/api/v1/login', { loginId: customer.loginId, password: 'unknown-secret-attempt' });
    secrets.push('unknown-secret-attempt');

    const logs = server.logs.join('\n');
    expect(server.logs.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      // A 6-digit code is looked for as a number of its own: it may occur by chance inside a timestamp or a request ID.
      const leaked = secretIn(secret, logs);
      expect(leaked, `a secret leaked into the logs`).toBe(false);
    }
    for (const line of server.logs.filter((l) => l.includes('"req"'))) expect(JSON.parse(line).reqId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
