import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { fail } from '../kernel/errors.js';
import { findInstrument, type PriceFeed } from './instruments.js';
import { isQuantity, MAX_AMOUNT } from './ledger.js';
import { replay, requestHash, type MovementOutcome } from './ledger-keys.js';
import type { OrderRecord, Side } from '../kernel/money-store.js';
import { noticeFor } from '../kernel/notices.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import type { CustomerRecord } from '../kernel/types.js';

export interface OrderRequest {
  symbol: string;
  side: Side;
  quantity: number;
  tradingPassword: string;
  idempotencyKey: string;
}

export function viewOrder(order: Omit<OrderRecord, 'seq'>) {
  return {
    id: order.id,
    symbol: order.symbol,
    name: findInstrument(order.symbol)?.name ?? order.symbol,
    side: order.side,
    quantity: order.quantity,
    price: order.price,
    amount: order.amount,
    status: 'executed' as const,
    executedAt: new Date(order.at).toISOString(),
  };
}

export type OrderView = ReturnType<typeof viewOrder>;

/**
 * 成行注文: executes at once at the current price. The trading password guards it (a second secret,
 * not a second factor: no code is asked for orders). Cash or shares are checked by the conditional
 * UPDATE that moves them, in one transaction with the ledger entry and the idempotency key.
 */
export async function placeOrder(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'hasher' | 'policy' | 'secrets' | 'events' | 'firmName'>, prices: PriceFeed, customer: CustomerRecord, request: OrderRequest): Promise<MovementOutcome<OrderView>> {
  if (!isQuantity(request.quantity)) return fail('invalid_quantity');
  const instrument = findInstrument(request.symbol);
  if (!instrument) return fail('unknown_symbol', { symbol: request.symbol });
  const password = await checkTradingPassword(deps, customer, request.tradingPassword);
  if (password !== true) return password;

  const hash = requestHash(deps, 'order', { symbol: request.symbol, side: request.side, quantity: request.quantity });
  const previous = await deps.store.money.findKey(customer.id, request.idempotencyKey);
  if (previous) return replay<OrderView>(previous, hash);

  const price = prices.price(instrument.symbol);
  const amount = price * request.quantity;
  // Within 2^53 by the quantity cap; beyond any cash a customer can hold, so refused plainly.
  if (amount > MAX_AMOUNT) return fail('invalid_quantity', { reason: 'order value too large' });
  const now = deps.clock.now();
  const order = { id: newId(deps.random, 12), customerId: customer.id, symbol: instrument.symbol, side: request.side, quantity: request.quantity, price, amount, at: now };
  const view = viewOrder(order);
  const refusal = request.side === 'buy' ? 'insufficient_cash' : 'insufficient_holdings';
  const result = await deps.store.money.trade({
    claim: { customerId: customer.id, key: request.idempotencyKey, requestHash: hash, now },
    order,
    // 約定通知, queued with the trade (durable outbox): a crash after the commit loses it not.
    notices: [
      noticeFor(deps, customer, 'order_executed', {
        side: request.side === 'buy' ? '買 buy' : '売 sell',
        symbol: `${instrument.symbol} ${instrument.name}`,
        quantity: request.quantity.toLocaleString('ja-JP'),
        price: price.toLocaleString('ja-JP'),
      }),
    ],
    success: { kind: 'done', body: view },
    refusal: { kind: 'refused', code: refusal },
  });
  if (result.status === 'replay') return replay<OrderView>(result.previous, hash);
  if (result.status !== 'done') return fail(refusal);

  return { kind: 'done', body: view };
}
