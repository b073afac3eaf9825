import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import type { HttpResponse } from '../support/http-client.js';
import { checkLedgerInvariants, moneyCustomer, newKey } from './money-support.js';

// Random interleavings of deposits, orders and withdrawals — run in concurrent batches, with
// repeated keys and a moving price — must keep the ledger invariants, and the money the answers
// report must be exactly the money that moved.

type Op =
  | { kind: 'deposit'; amount: number }
  | { kind: 'withdraw'; amount: number }
  | { kind: 'order'; side: 'buy' | 'sell'; symbol: string; quantity: number }
  | { kind: 'repeat'; index: number }
  | { kind: 'tick'; ms: number };

const SYMBOLS = ['9432', '7267', '8306'];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 200_000 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), amount: fc.integer({ min: 1, max: 300_000 }) }),
  fc.record({ kind: fc.constant('order' as const), side: fc.constantFrom('buy' as const, 'sell' as const), symbol: fc.constantFrom(...SYMBOLS), quantity: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('repeat' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 30_000 }) }),
);

describe('ledger invariants under random interleavings (property)', () => {
  const server = useTestServer({}, { per: 'suite' });

  it('balance = sum of entries ≥ 0, holdings = net orders, and every 201 is exactly what moved', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300_000 }), fc.array(fc.array(op, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), async (opening, batches) => {
        const { client, customer } = await moneyCustomer(server, { cash: opening });
        const sent: Array<{ path: string; body: Record<string, unknown> }> = [];
        // Keyed by the movement's id: a repeated key answers the same id, so it counts once.
        const moved = new Map<string, { cash: number; symbol?: string; shares?: number }>();
        const count = (response: HttpResponse, movement: (body: any) => { cash: number; symbol?: string; shares?: number }) => {
          if (response.status !== 201) {
            expect([400, 422], JSON.stringify(response.body)).toContain(response.status);
            return;
          }
          moved.set(String(response.body.id), movement(response.body));
        };

        for (const batch of batches) {
          await Promise.all(
            batch.map(async (o) => {
              if (o.kind === 'tick') return server.clock.advance(o.ms);
              if (o.kind === 'deposit') {
                const r = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/deposits`, { amount: o.amount });
                return count(r, (b) => ({ cash: b.amount }));
              }
              const request =
                o.kind === 'repeat'
                  ? sent[o.index % Math.max(1, sent.length)]
                  : o.kind === 'withdraw'
                    ? { path: '/api/v1/withdrawals', body: { amount: o.amount, idempotencyKey: newKey('p') } }
                    : { path: '/api/v1/orders', body: { symbol: o.symbol, side: o.side, quantity: o.quantity, idempotencyKey: newKey('p') } };
              if (!request) return;
              if (o.kind !== 'repeat') sent.push(request);
              const r = await client.post(request.path, { ...request.body, tradingPassword: customer.tradingPassword });
              if (request.path === '/api/v1/withdrawals') return count(r, (b) => ({ cash: -b.amount }));
              const sign = (side: string) => (side === 'buy' ? -1 : 1);
              count(r, (b) => ({ cash: sign(b.side) * b.amount, symbol: b.symbol, shares: -sign(b.side) * b.quantity }));
            }),
          );
        }

        const account = (await client.get('/api/v1/account')).body;
        const movements = [...moved.values()];
        const expectedCash = opening + movements.reduce((sum, m) => sum + m.cash, 0);
        expect(account.cash.available).toBe(expectedCash);
        expect(account.cash.available).toBeGreaterThanOrEqual(0);
        for (const symbol of SYMBOLS) {
          const net = movements.filter((m) => m.symbol === symbol).reduce((sum, m) => sum + (m.shares ?? 0), 0);
          const held = account.holdings.find((h: { symbol: string }) => h.symbol === symbol)?.quantity ?? 0;
          expect(held, symbol).toBe(net);
        }
        await checkLedgerInvariants(server.kabuto.database.db);
      }),
      { numRuns: 25 },
    );
  });
});

