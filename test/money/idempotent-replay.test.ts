import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestServer } from '../support/harness.js';
import { moneyCustomer, newKey } from './money-support.js';

// A used idempotency key answers its first result forever. What is stored is what happened (done,
// or refused with the public code), never an HTTP status: rows stored in the earlier shape
// ({status: 201 | 400}) still replay, and a refusal stored under a code this version no longer has
// (renamed since) answers as it first did — a 400 with that code — never a 500.

describe('idempotent replay of stored outcomes', () => {
  const server = useTestServer({}, { per: 'suite' });

  const db = () => server.kabuto.database.db;
  const storedOutcome = async (key: string) => {
    const { rows } = await sql<{ outcome: string }>`select outcome from idempotency_keys where key = ${key}`.execute(db());
    return JSON.parse(rows[0]!.outcome) as Record<string, unknown>;
  };
  const overwrite = (key: string, outcome: unknown) => sql`update idempotency_keys set outcome = ${JSON.stringify(outcome)} where key = ${key}`.execute(db());

  async function orderTwice(mutate: (key: string) => Promise<unknown>, quantity = 1) {
    const { customer, client } = await moneyCustomer(server, { cash: 10_000 });
    const request = { symbol: '9432', side: 'buy', quantity, tradingPassword: customer.tradingPassword, idempotencyKey: newKey('replay') };
    const first = await client.post('/api/v1/orders', request);
    await mutate(request.idempotencyKey);
    const again = await client.post('/api/v1/orders', request);
    return { first, again, key: request.idempotencyKey };
  }

  it('stores what happened, without an HTTP status', async () => {
    const { first, key } = await orderTwice(async () => {});
    expect(first.status).toBe(201);
    const stored = await storedOutcome(key);
    expect(stored).not.toHaveProperty('status');
    expect(stored).toMatchObject({ kind: 'done', body: { id: first.body.id } });

    const refused = await orderTwice(async () => {}, 1_000);
    expect(refused.first.status).toBe(400);
    expect(await storedOutcome(refused.key)).toEqual({ kind: 'refused', code: 'insufficient_cash' });
  });

  it('replays a success stored in the earlier shape', async () => {
    const { first, again } = await orderTwice((key) => overwrite(key, { status: 201, body: { id: 'legacy-order', status: 'executed' } }));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ id: 'legacy-order', status: 'executed' });
  });

  it('replays a refusal stored in the earlier shape', async () => {
    const { first, again } = await orderTwice((key) => overwrite(key, { status: 400, error: 'insufficient_cash' }), 1_000);
    expect(first.status).toBe(400);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('insufficient_cash');
  });

  it('answers a refusal stored under a code no longer known as it first did: 400 with that code, never 500', async () => {
    for (const outcome of [
      { status: 400, error: 'insufficient_funds_v0', fields: { shortBy: 5 } },
      { kind: 'refused', code: 'insufficient_funds_v0', fields: { shortBy: 5 } },
    ]) {
      const { first, again } = await orderTwice((key) => overwrite(key, outcome), 1_000);
      expect(first.status).toBe(400);
      expect(again.status, JSON.stringify(again.body)).toBe(400);
      expect(again.body).toMatchObject({ error: 'insufficient_funds_v0', shortBy: 5 });
      expect(typeof again.body.message).toBe('string');
      expect(typeof again.body.requestId).toBe('string');
    }
  });

  it('still refuses the key for other content (422), whatever the stored shape', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 10_000 });
    const request = { symbol: '9432', side: 'buy', quantity: 1, tradingPassword: customer.tradingPassword, idempotencyKey: newKey('replay') };
    expect((await client.post('/api/v1/orders', request)).status).toBe(201);
    await overwrite(request.idempotencyKey, { status: 201, body: {} });
    const other = await client.post('/api/v1/orders', { ...request, quantity: 2 });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
  });
});
