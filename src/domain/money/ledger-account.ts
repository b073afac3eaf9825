import type { Deps } from '../kernel/context.js';
import { findInstrument, INSTRUMENTS, type PriceFeed } from './instruments.js';
import type { CustomerRecord } from '../kernel/types.js';

/**
 * The account a customer protects: cash available to trade or withdraw, cash held by the cooling-off
 * (already out of `available`, still at the firm), and holdings at the current price.
 */
export async function viewAccount(deps: Pick<Deps, 'store' | 'clock'>, prices: PriceFeed, customer: CustomerRecord) {
  const now = deps.clock.now();
  // The balances the ledger keeps (cash_accounts, holdings) and the held withdrawals: one read.
  const { available, pending, holdings: positions } = await deps.store.money.balances(customer.id, now);
  const holdings = positions.map(({ symbol, quantity }) => {
    const price = prices.price(symbol);
    return { symbol, name: findInstrument(symbol)?.name ?? symbol, quantity, price, value: price * quantity };
  });
  const totalValue = available + pending + holdings.reduce((sum, h) => sum + h.value, 0);
  return { cash: { available, pending }, holdings, totalValue };
}

export function viewInstruments(prices: PriceFeed) {
  return INSTRUMENTS.map((i) => ({ symbol: i.symbol, name: i.name, price: prices.price(i.symbol), market: i.market, dailyTurnoverYen: i.dailyTurnoverYen }));
}
