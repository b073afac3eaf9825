import type { Deps } from '../kernel/context.js';
import type { RiskDecisionRecord, RiskOperation, RiskSignal } from '../kernel/risk-store.js';
import type { RiskPolicy } from '../kernel/risk-policy.js';
import { riskPolicyOf } from './config.js';
import { countDecision, evaluate, newDecision, signal } from './engine.js';
import { networkOf } from './network.js';
import { networkSignals } from './sign-in.js';

// Orders and withdrawals: money (a room above) gathers the facts (holdings, recent orders, liquidity,
// recent changes); the thresholds that turn them into signals, and the rules, are here.

export interface OrderFacts {
  side: 'buy' | 'sell';
  symbol: string;
  /** This order's value in yen. */
  amount: number;
  /** The instrument's typical daily turnover in yen (its liquidity). */
  dailyTurnoverYen: number;
  /** The holdings' value now, at current prices (a sell's own shares included). */
  holdingsValue: number;
  /** Sells of the sell-off window before this order, in yen. */
  soldInWindow: number;
  /** The customer's past orders (up to the history read) and the largest of them, in yen. */
  pastOrders: number;
  largestPastOrder: number;
}

export interface WithdrawalFacts {
  amount: number;
  /** Cash available before this withdrawal. */
  available: number;
  /** Last change of phone, e-mail or bank account. */
  contactChangedAt: number | null;
  /** Last factor change (passkey, app, 2FA settings, recovery codes) found in the recent audit trail. */
  factorChangedAt: number | null;
  pastWithdrawals: number;
  largestPastWithdrawal: number;
}

export function orderSignals(policy: RiskPolicy, facts: OrderFacts): RiskSignal[] {
  const out: RiskSignal[] = [];
  const before = facts.holdingsValue + facts.soldInWindow;
  const windowHours = Math.round(policy.sellOffWindowMs / 3_600_000);
  if (facts.side === 'sell' && before > 0) {
    const share = (facts.soldInWindow + facts.amount) / before;
    if (share >= policy.sellOffShare) out.push(signal(policy, 'sell_off', Math.round(share * 100), `this sell brings the holdings sold within ${windowHours} h to ${Math.round(share * 100)} % of their value`));
  }
  if (facts.side === 'buy' && before > 0 && facts.soldInWindow / before >= policy.sellOffShare) {
    out.push(signal(policy, 'after_sell_off', Math.round((facts.soldInWindow / before) * 100), `a buy after ${Math.round((facts.soldInWindow / before) * 100)} % of the holdings were sold within ${windowHours} h`));
  }
  if (facts.side === 'buy' && facts.dailyTurnoverYen < policy.illiquidTurnoverYen) {
    out.push(signal(policy, 'illiquid_instrument', facts.symbol, `typical daily turnover ¥${facts.dailyTurnoverYen.toLocaleString('en')} (illiquid below ¥${policy.illiquidTurnoverYen.toLocaleString('en')})`));
  }
  if (facts.pastOrders >= policy.habitMinHistory && facts.amount > policy.habitMultiple * facts.largestPastOrder) {
    out.push(signal(policy, 'far_above_habit', facts.amount, `more than ${policy.habitMultiple}× the largest of the last ${facts.pastOrders} orders (¥${facts.largestPastOrder.toLocaleString('en')})`));
  }
  return out;
}

export function withdrawalSignals(policy: RiskPolicy, facts: WithdrawalFacts, now: number): RiskSignal[] {
  const out: RiskSignal[] = [];
  const hours = (at: number) => `${((now - at) / 3_600_000).toFixed(1)} h before`;
  if (facts.contactChangedAt !== null && now - facts.contactChangedAt < policy.recentChangeMs) out.push(signal(policy, 'recent_contact_change', true, `phone, e-mail or bank account changed ${hours(facts.contactChangedAt)}`));
  if (facts.factorChangedAt !== null && now - facts.factorChangedAt < policy.recentChangeMs) out.push(signal(policy, 'recent_factor_change', true, `a second factor changed ${hours(facts.factorChangedAt)}`));
  if (facts.available > 0 && facts.amount >= 0.9 * facts.available) out.push(signal(policy, 'drains_cash', Math.round((facts.amount / facts.available) * 100), 'withdraws 90 % or more of the available cash'));
  if (facts.pastWithdrawals >= policy.habitMinHistory && facts.amount > policy.habitMultiple * facts.largestPastWithdrawal) {
    out.push(signal(policy, 'far_above_habit', facts.amount, `more than ${policy.habitMultiple}× the largest of the last ${facts.pastWithdrawals} withdrawals`));
  }
  return out;
}

/**
 * An order's or withdrawal's decision, counted in the metrics but not yet written: the caller writes
 * it (recordDecision) in the transaction that holds the movement, or alone.
 */
export function assessMovement(
  deps: Pick<Deps, 'clock' | 'random' | 'places' | 'policy' | 'events'>,
  input: { operation: Exclude<RiskOperation, 'sign_in'>; customerId: string; address: string; facts: OrderFacts | WithdrawalFacts },
): RiskDecisionRecord {
  const policy = riskPolicyOf(deps.policy);
  const network = networkOf(deps, policy, input.address);
  const own = input.operation === 'order' ? orderSignals(policy, input.facts as OrderFacts) : withdrawalSignals(policy, input.facts as WithdrawalFacts, deps.clock.now());
  const signals = [...networkSignals(policy, network), ...own];
  const decision = newDecision(deps, { operation: input.operation, customerId: input.customerId, address: input.address, signals }, evaluate(policy, input.operation, signals));
  countDecision(deps, decision);
  return decision;
}

/** What the customer reads: the plain reason, never the rule or the signals. */
export const PLAIN_REASON = {
  ja: 'ご本人確認のため、お取引を保留しています。パスキーで確認いただくか、当社からのご連絡をお待ちください。',
  en: 'To confirm it is you, this request is on hold. Confirm it with your passkey, or wait for us to contact you.',
} as const;
