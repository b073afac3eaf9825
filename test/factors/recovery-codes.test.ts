import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { outbox, signInWithPassword, signedInWithSms } from '../support/flows.js';
import { withStepUp } from './support/factor-flows.js';

describe('recovery codes', () => {
  const server = useTestServer({}, { per: 'suite' });

  async function generate(s: Awaited<ReturnType<typeof signedInWithSms>>) {
    const result = await withStepUp(server, s.client, s.customer, (challengeId) =>
      s.client.post('/api/v1/settings/recovery-codes', { tradingPassword: s.customer.tradingPassword, ...(challengeId ? { challengeId } : {}) }),
    );
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    return result.body.codes as string[];
  }

  async function signInWithRecoveryCode(s: Awaited<ReturnType<typeof signedInWithSms>>, code: string) {
    const login = await signInWithPassword(server.client(), s.customer);
    expect(login.body.challenge.methods.map((m: { type: string }) => m.type)).toContain('recovery_code');
    return server.client().post(`/api/v1/challenges/${login.body.challenge.id}/verify`, { method: 'recovery_code', code });
  }

  it('gives ten distinct codes of at least 64 bits, shown once and stored hashed', async () => {
    const s = await signedInWithSms(server);
    const codes = await generate(s);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // 16 characters from a 32-letter alphabet: 80 bits each.
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    const customer = (await server.kabuto.deps.store.customers.findByLoginId(s.customer.loginId))!;
    const rows = await server.kabuto.database.db.withTables<{ recoveryCodes: { customerId: string; codeHash: string } }>().selectFrom('recoveryCodes').selectAll().where('customerId', '=', customer.id).execute();
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ''));
    }
    expect((await s.client.get('/api/v1/settings/recovery-codes')).body).toEqual({ remaining: 10, total: 10, low: false });
  });

  it('a recovery code works once, and the customer is told', async () => {
    const s = await signedInWithSms(server);
    const [code] = await generate(s);
    const used = await signInWithRecoveryCode(s, code!.toLowerCase());
    expect(used.status, JSON.stringify(used.body)).toBe(200);
    expect(used.body).toMatchObject({ status: 'signed_in', recoveryCodesLeft: 9 });
    const notice = (await outbox(server, s.customer.email)).find((m) => m.subject?.includes('リカバリーコードが使用されました'));
    expect(notice?.body).toContain('残り 9 個');
    expect(notice?.body).toContain('9 remain');

    const again = await signInWithRecoveryCode(s, code!);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_code');
  });

  it('warns when three or fewer remain', async () => {
    const s = await signedInWithSms(server);
    const codes = await generate(s);
    for (const code of codes.slice(0, 7)) expect((await signInWithRecoveryCode(s, code)).status).toBe(200);
    const view = await s.client.get('/api/v1/settings/recovery-codes');
    expect(view.body).toEqual({ remaining: 3, total: 10, low: true });
    expect((await s.client.get('/api/v1/settings/mfa')).body.recoveryCodes.low).toBe(true);
    const latest = (await outbox(server, s.customer.email)).find((m) => m.subject?.includes('リカバリーコードが使用されました'));
    expect(latest?.body).toContain('残り 3 個');
    expect(latest?.body).toContain('残りが少なくなりました');
  });

  it('a new set kills the old one', async () => {
    const s = await signedInWithSms(server);
    const old = await generate(s);
    const fresh = await generate(s);
    expect((await signInWithRecoveryCode(s, old[0]!)).status).toBe(400);
    expect((await signInWithRecoveryCode(s, fresh[0]!)).status).toBe(200);
  });

  it('a wrong recovery code counts as a wrong attempt', async () => {
    const s = await signedInWithSms(server);
    await generate(s);
    const wrong = await signInWithRecoveryCode(s, 'AAAA-BBBB-CCCC-DDDD');
    expect(wrong.body).toMatchObject({ error: 'invalid_code', attemptsLeft: 4 });
  });
});
