import { describe, expect, it } from 'vitest';
import { dialect, useTestServer, withTestServer } from '../support/harness.js';
import { outbox, signedIn, signInWithPassword } from '../support/flows.js';
import { available, BANK, checkLedgerInvariants, moneyCustomer, withdraw } from './money-support.js';

// Issue 11.2: a withdrawal held by the cooling-off debits the cash at once and used to complete by
// itself with no way back. The customer can now cancel it while it is held: the cash comes back
// exactly once, however many cancels race, and the customer is told.

describe(`POST /api/v1/withdrawals/{id}/cancel (${dialect})`, () => {
  const server = useTestServer({}, { per: 'suite' });

  async function heldWithdrawal(amount: number) {
    const { customer, client } = await moneyCustomer(server, { cash: 1_000_000 });
    const changed = await client.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '7654321' }, tradingPassword: customer.tradingPassword });
    expect(changed.status).toBe(200);
    const held = await withdraw(client, customer, amount);
    expect(held.status).toBe(201);
    expect(held.body.status).toBe('pending');
    return { customer, client, withdrawal: held.body };
  }

  it('cancels a held withdrawal once: the cash comes back, a repeat refunds nothing, the customer is told', async () => {
    const { customer, client, withdrawal } = await heldWithdrawal(900_000);
    expect((await client.get('/api/v1/account')).body.cash).toEqual({ available: 100_000, pending: 900_000 });

    const wrong = await client.post(`/api/v1/withdrawals/${withdrawal.id}/cancel`, { tradingPassword: 'not-the-trading-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_trading_password');

    const cancelled = await client.post(`/api/v1/withdrawals/${withdrawal.id}/cancel`, { tradingPassword: customer.tradingPassword });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ id: withdrawal.id, amount: 900_000, status: 'cancelled' });
    expect((await client.get('/api/v1/account')).body.cash).toEqual({ available: 1_000_000, pending: 0 });

    const again = await client.post(`/api/v1/withdrawals/${withdrawal.id}/cancel`, { tradingPassword: customer.tradingPassword });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
    expect(await available(client)).toBe(1_000_000);

    const history = (await client.get('/api/v1/history/cash')).body;
    expect(history[0]).toMatchObject({ type: 'withdrawal_cancelled', amount: 900_000, balance: 1_000_000 });
    expect((await outbox(server, customer.email)).filter((m) => m.subject?.includes('出金を取り消しました'))).toHaveLength(1);
    const audit = (await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`)).body;
    expect(audit.filter((e: { action: string }) => e.action === 'withdrawal_cancelled')).toHaveLength(1);
    await checkLedgerInvariants(server.kabuto.database.db);
  });

  it('20 cancels of one withdrawal at once refund it exactly once', async () => {
    const { customer, client, withdrawal } = await heldWithdrawal(250_000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => client.post(`/api/v1/withdrawals/${withdrawal.id}/cancel`, { tradingPassword: customer.tradingPassword })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await available(client)).toBe(1_000_000);
    const refunds = (await client.get('/api/v1/history/cash')).body.filter((e: { type: string }) => e.type === 'withdrawal_cancelled');
    expect(refunds).toHaveLength(1);
    await checkLedgerInvariants(server.kabuto.database.db);
  });

  it('a completed withdrawal cannot be cancelled (409); another customer’s or an unknown one is not found (404)', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 300_000 });
    const completed = await withdraw(client, customer, 10_000);
    expect(completed.body.status).toBe('completed');
    const refused = await client.post(`/api/v1/withdrawals/${completed.body.id}/cancel`, { tradingPassword: customer.tradingPassword });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('withdrawal_not_cancellable');
    expect(await available(client)).toBe(290_000);

    const held = await heldWithdrawal(50_000);
    const { customer: stranger, client: strangerClient } = await signedIn(server);
    const foreign = await strangerClient.post(`/api/v1/withdrawals/${held.withdrawal.id}/cancel`, { tradingPassword: stranger.tradingPassword });
    expect(foreign.status).toBe(404);
    expect((await client.post('/api/v1/withdrawals/unknown-id/cancel', { tradingPassword: customer.tradingPassword })).status).toBe(404);

    // Past the hold it completes and can no longer be cancelled.
    server.clock.advance(24 * 3600_000 + 1_000);
    await signInWithPassword(held.client, held.customer);
    const late = await held.client.post(`/api/v1/withdrawals/${held.withdrawal.id}/cancel`, { tradingPassword: held.customer.tradingPassword });
    expect(late.status).toBe(409);
  });
});

describe('the cancellation in the OpenAPI document', () => {
  it('documents POST /api/v1/withdrawals/{id}/cancel with its error codes', async () => {
    await withTestServer({}, async (server) => {
      const document = (await server.client().get('/api/v1/openapi.json')).body;
      const operation = document.paths['/api/v1/withdrawals/{id}/cancel']?.post;
      expect(operation).toBeDefined();
      expect(operation.description).toContain('withdrawal_not_cancellable');
      expect(document.paths['/api/v1/withdrawals'].post.description).toContain('factor_cooling_off');
    });
  });
});
