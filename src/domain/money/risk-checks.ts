import type { Deps } from '../kernel/context.js';
import { sortableId } from '../kernel/crypto.js';
import { fail } from '../kernel/errors.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import type { RiskDecisionRecord, RiskHoldRecord } from '../kernel/risk-store.js';
import type { CustomerRecord } from '../kernel/types.js';
import type { Side } from '../kernel/money-store.js';
import { riskPolicyOf } from '../risk/config.js';
import { recordDecision } from '../risk/engine.js';
import { assessMovement, PLAIN_REASON } from '../risk/movements.js';
import { findInstrument, type PriceFeed } from './instruments.js';
import type { Done, MovementOutcome } from './ledger-keys.js';

// The risk engine's look at an order or a withdrawal (the facts it needs, read here), and holding one:
// the request is kept as it was made (nothing moves) and the customer told with the plain reason.
// Releasing or rejecting a hold: risk-holds.ts.

/** Where the request came from: the address the risk engine places. */
export interface RiskClient {
  address: string;
}

export interface HeldView {
  status: 'held';
  hold: { id: string; kind: 'order' | 'withdrawal'; heldAt: string };
  /** The plain reason (ご本人確認のため…); operators read the rule and signals through the admin API. */
  reason: { ja: string; en: string };
}

/** Read with the order: what a sell-off and a habit are measured against (two indexed queries). */
const ORDER_HISTORY = 100;
/** A change to how the customer proves who they are: asked of the audit trail by action, however much came after. */
const FACTOR_ACTIONS = ['passkey_added', 'passkey_removed', 'totp_enrolled', 'mfa_changed', 'mfa_reset', 'recovery_codes_generated'] as const;

export async function checkOrderRisk(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'places' | 'policy' | 'events'>,
  prices: PriceFeed,
  customer: CustomerRecord,
  client: RiskClient,
  order: { symbol: string; side: Side; quantity: number; amount: number; dailyTurnoverYen: number },
): Promise<RiskDecisionRecord> {
  const policy = riskPolicyOf(deps.policy);
  const [positions, orders] = await Promise.all([deps.store.money.holdings(customer.id), deps.store.money.listOrders(customer.id, ORDER_HISTORY)]);
  const since = deps.clock.now() - policy.sellOffWindowMs;
  const holdingsValue = positions.reduce((sum, p) => sum + (findInstrument(p.symbol) ? prices.price(p.symbol) * p.quantity : 0), 0);
  const soldInWindow = orders.filter((o) => o.side === 'sell' && o.at >= since).reduce((sum, o) => sum + o.amount, 0);
  return assessMovement(deps, {
    operation: 'order',
    customerId: customer.id,
    address: client.address,
    facts: { side: order.side, symbol: order.symbol, amount: order.amount, dailyTurnoverYen: order.dailyTurnoverYen, holdingsValue, soldInWindow, pastOrders: orders.length, largestPastOrder: Math.max(0, ...orders.map((o) => o.amount)) },
  });
}

export async function checkWithdrawalRisk(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'places' | 'policy' | 'events'>, customer: CustomerRecord, client: RiskClient, amount: number): Promise<RiskDecisionRecord> {
  const policy = riskPolicyOf(deps.policy);
  const now = deps.clock.now();
  const [available, factorChangedAt, entries] = await Promise.all([
    deps.store.money.available(customer.id),
    deps.store.audit.lastActionAt(customer.id, FACTOR_ACTIONS, now - policy.recentChangeMs),
    deps.store.money.listEntries(customer.id, ORDER_HISTORY),
  ]);
  const past = entries.filter((e) => e.kind === 'withdrawal').map((e) => -e.amount);
  return assessMovement(deps, {
    operation: 'withdrawal',
    customerId: customer.id,
    address: client.address,
    facts: { amount, available, contactChangedAt: customer.contactChangedAt, factorChangedAt, pastWithdrawals: past.length, largestPastWithdrawal: Math.max(0, ...past) },
  });
}

export function heldView(hold: Pick<RiskHoldRecord, 'id' | 'kind' | 'createdAt'>): HeldView {
  return { status: 'held', hold: { id: hold.id, kind: hold.kind, heldAt: new Date(hold.createdAt).toISOString() }, reason: { ...PLAIN_REASON } };
}

export function describeHold(hold: Pick<RiskHoldRecord, 'kind' | 'request'>): { what: string; whatEn: string } {
  const r = hold.request;
  if (hold.kind === 'withdrawal') {
    const yen = Number(r.amount).toLocaleString('ja-JP');
    return { what: `出金 ${yen}円`, whatEn: `a withdrawal of ${yen} yen` };
  }
  const side = r.side === 'buy' ? '買' : '売';
  return { what: `ご注文（${side} ${String(r.symbol)} ${Number(r.quantity).toLocaleString('ja-JP')}株）`, whatEn: `an order (${String(r.side)} ${String(r.symbol)} × ${Number(r.quantity).toLocaleString('en')})` };
}

/**
 * Hold the request: the hold, the decision that held it (with its audit entry) and the customer's
 * notice commit together (durable outbox). A repeat of the key racing this one finds its hold.
 */
export async function holdMovement(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>,
  customer: CustomerRecord,
  decision: RiskDecisionRecord,
  input: { kind: 'order' | 'withdrawal'; request: Record<string, unknown>; idempotencyKey: string },
): Promise<MovementOutcome<HeldView>> {
  const now = deps.clock.now();
  const hold: RiskHoldRecord = {
    id: sortableId(now, deps.random),
    customerId: customer.id,
    kind: input.kind,
    request: input.request,
    idempotencyKey: input.idempotencyKey,
    decisionId: decision.id,
    rule: decision.rule ?? 'unknown',
    status: 'held',
    createdAt: now,
    resolvedAt: null,
    resolvedBy: null,
    result: null,
  };
  try {
    await withinTransaction(deps, async (deps) => {
      await deps.store.risk.insertHold(hold);
      await recordDecision(deps, { ...decision, holdId: hold.id });
      await queueNotice(deps, customer, 'risk_held', describeHold(hold));
    });
  } catch (error) {
    const raced = await deps.store.risk.findHoldByKey(customer.id, input.idempotencyKey);
    if (!raced) throw error;
    return heldAgain(raced, String(input.request.requestHash));
  }
  return { kind: 'done', body: heldView(hold) } satisfies Done<HeldView>;
}

/** A repeat of a held request's key: the same hold (422 for other content, 403 once rejected). */
export function heldAgain(hold: RiskHoldRecord, hash: string): MovementOutcome<HeldView> {
  if (hold.request.requestHash !== hash) return fail('idempotency_key_reused');
  if (hold.status === 'rejected') return fail('risk_refused');
  return { kind: 'done', body: heldView(hold) };
}
