import type { Deps } from '../kernel/context.js';
import { refuseIfFrozen } from '../protection/freeze.js';
import { newId } from '../kernel/crypto.js';
import { fail } from '../kernel/errors.js';
import { findInstrument, type PriceFeed } from './instruments.js';
import { isQuantity, MAX_AMOUNT } from './ledger.js';
import { replay, requestHash, type MovementOutcome } from './ledger-keys.js';
import type { OrderRecord, Side } from '../kernel/money-store.js';
import { noticeFor } from '../kernel/notices.js';
import { checkTradingPassword } from '../factors/trading-password.js';
import type { CustomerRecord } from '../kernel/types.js';
import { recordDecision } from '../risk/engine.js';
import { checkOrderRisk, heldAgain, holdMovement, type HeldView, type RiskClient } from './risk-checks.js';

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
type OrderDeps = Pick<Deps, 'store' | 'clock' | 'random' | 'hasher' | 'policy' | 'secrets' | 'events' | 'firmName' | 'places'>;

/**
 * The risk engine looks at every order before it executes (src/domain/risk: a sell-off, a thinly traded
 * instrument, an unfamiliar network): a held order waits for the customer's passkey or an operator
 * (202 with the plain reason), a refused one is 403 risk_refused.
 */
export async function placeOrder(deps: OrderDeps, prices: PriceFeed, customer: CustomerRecord, request: OrderRequest, client: RiskClient): Promise<MovementOutcome<OrderView | HeldView>> {
  if (!isQuantity(request.quantity)) return fail('invalid_quantity');
  const instrument = findInstrument(request.symbol);
  if (!instrument) return fail('unknown_symbol', { symbol: request.symbol });
  // 取引制限 (orders): refused before the trading password is even judged (and checked again inside
  // the trade's transaction: executeOrder).
  const frozen = await refuseIfFrozen(deps, customer.id, 'orders');
  if (frozen) return frozen;
  const password = await checkTradingPassword(deps, customer, request.tradingPassword);
  if (password !== true) return password;

  const hash = requestHash(deps, 'order', { symbol: request.symbol, side: request.side, quantity: request.quantity });
  const previous = await deps.store.money.findKey(customer.id, request.idempotencyKey);
  if (previous) return replay<OrderView>(previous, hash);
  const held = await deps.store.risk.findHoldByKey(customer.id, request.idempotencyKey);
  if (held) return heldAgain(held, hash);

  const amount = prices.price(instrument.symbol) * request.quantity;
  // Within 2^53 by the quantity cap; beyond any cash a customer can hold, so refused plainly.
  if (amount > MAX_AMOUNT) return fail('invalid_quantity', { reason: 'order value too large' });
  const order = { symbol: instrument.symbol, side: request.side, quantity: request.quantity };
  const risk = await checkOrderRisk(deps, prices, customer, client, { ...order, amount, dailyTurnoverYen: instrument.dailyTurnoverYen });
  if (risk.outcome === 'hold') return holdMovement(deps, customer, risk, { kind: 'order', request: { ...order, requestHash: hash }, idempotencyKey: request.idempotencyKey });
  await recordDecision(deps, risk);
  if (risk.outcome === 'refuse') return fail('risk_refused');
  return executeOrder(deps, prices, customer, { ...order, idempotencyKey: request.idempotencyKey }, hash);
}

/** The trade itself, at the current price: a placed order past its checks, or a held one released. */
export async function executeOrder(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>,
  prices: PriceFeed,
  customer: CustomerRecord,
  request: { symbol: string; side: Side; quantity: number; idempotencyKey: string },
  hash: string,
): Promise<MovementOutcome<OrderView>> {
  const instrument = findInstrument(request.symbol)!;
  const price = prices.price(instrument.symbol);
  const amount = price * request.quantity;
  const now = deps.clock.now();
  const order = { id: newId(deps.random, 12), customerId: customer.id, symbol: instrument.symbol, side: request.side, quantity: request.quantity, price, amount, at: now };
  const view = viewOrder(order);
  const refusal = request.side === 'buy' ? 'insufficient_cash' : 'insufficient_holdings';
  const result = await deps.store.money.trade({
    claim: { customerId: customer.id, key: request.idempotencyKey, requestHash: hash, now },
    order,
    // 取引制限, read again under the customer's row lock with the trade: a freeze racing it cannot slip in between.
    freeze: { level: 'orders' },
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
  if (result.status === 'frozen') return fail('account_frozen', { level: result.level });
  if (result.status !== 'done') return fail(refusal);

  return { kind: 'done', body: view };
}
