import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config-variables.js';
import { DEFAULT_RISK_POLICY, parseRiskPolicy } from '../../src/domain/risk/config.js';
import { evaluate, signal } from '../../src/domain/risk/engine.js';
import { distanceKm, isHosting, prefixOf } from '../../src/domain/risk/network.js';
import { orderSignals, withdrawalSignals, type WithdrawalFacts } from '../../src/domain/risk/movements.js';

// The declared configuration is validated as a whole (a wrong file stops the start, naming every
// problem); the engine applies the strongest enforced outcome and only records observed ones.

describe('risk policy: one declared, validated configuration', () => {
  it('takes a partial file over the defaults; hosting lists extend, rule modes switch', () => {
    const policy = parseRiskPolicy({ illiquidTurnoverYen: 10_000_000, hostingAsns: [64512], hostingNamePatterns: ['Example Hosting'], ruleModes: { 'order.illiquid_buy': 'enforce' } });
    expect(policy.illiquidTurnoverYen).toBe(10_000_000);
    expect(policy.impossibleTravelKmh).toBe(DEFAULT_RISK_POLICY.impossibleTravelKmh);
    expect(policy.hostingAsns).toEqual(expect.arrayContaining([16509, 64512]));
    expect(isHosting(policy, { asn: 1, network: 'EXAMPLE HOSTING K.K.' })).toBe(true);
    expect(policy.rules.find((r) => r.id === 'order.illiquid_buy')!.mode).toBe('enforce');
    expect(parseRiskPolicy({ mode: 'observe' }).rules.every((r) => r.mode === 'observe')).toBe(true);
  });

  it('refuses a wrong file, naming every problem', () => {
    expect(() =>
      parseRiskPolicy({
        sellOffShare: 2,
        weights: { teleportation: 5 },
        rules: [{ id: 'order.x', operation: 'order', outcome: 'step_up', mode: 'maybe', allSignals: ['unknown_signal'], description: '' }],
        surprise: true,
      }),
    ).toThrow(/unknown setting "surprise".*sellOffShare.*weights: unknown signal "teleportation".*outcome must be one of hold, refuse.*mode must be "enforce" or "observe".*unknown signal "unknown_signal".*description/s);
    expect(() => parseRiskPolicy({ rules: [{ id: 'sign_in.a', operation: 'sign_in', outcome: 'refuse', mode: 'enforce', description: 'no condition' }] })).toThrow(/must name a condition/);
    expect(() => parseRiskPolicy({ networkAlertAt: 100, networkFailureLimit: 50 })).toThrow(/networkAlertAt/);
    expect(() => parseRiskPolicy({ ruleModes: { 'order.nope': 'observe' } })).toThrow(/unknown rule "order.nope"/);
  });

  it('KABUTO_RISK_POLICY that cannot be read or is wrong stops the start', () => {
    const base = { NODE_ENV: 'test', KABUTO_SECRET: 'a'.repeat(64), KABUTO_DATABASE_URL: ':memory:' };
    expect(() => loadConfig({ ...base, KABUTO_RISK_POLICY: '/nonexistent/risk.json' })).toThrow(ConfigError);
    expect(loadConfig(base).riskPolicy).toBeUndefined();
  });
});

describe('risk engine: rules, modes, signals', () => {
  const policy = DEFAULT_RISK_POLICY;

  it('applies the strongest enforced outcome; observed rules are recorded, never applied', () => {
    const signals = [signal(policy, 'new_device', true), signal(policy, 'foreign_country', 'US'), signal(policy, 'hosting_network', 14618)];
    const stepUp = evaluate(policy, 'sign_in', signals);
    expect(stepUp).toMatchObject({ outcome: 'step_up', rule: 'signin.unfamiliar_network', score: 90 });
    const travel = evaluate(policy, 'sign_in', [...signals, signal(policy, 'impossible_travel', 5000)]);
    expect(travel).toMatchObject({ outcome: 'refuse', rule: 'signin.impossible_travel' });
    expect(travel.fired.map((f) => f.rule)).toEqual(['signin.impossible_travel', 'signin.high_risk', 'signin.unfamiliar_network']);
    const observedOnly = evaluate(policy, 'sign_in', [signal(policy, 'unusual_hour', 3)]);
    expect(observedOnly).toMatchObject({ outcome: 'allow', rule: null, fired: [{ rule: 'signin.unusual_hour', mode: 'observe', outcome: 'step_up' }] });
    expect(evaluate(policy, 'sign_in', [])).toMatchObject({ outcome: 'allow', fired: [] });
  });

  it('orders: a sell-off, a buy after it, an illiquid instrument, an order far outside habit', () => {
    const base = { symbol: 'X', dailyTurnoverYen: 1e12, holdingsValue: 1_000_000, soldInWindow: 0, pastOrders: 5, largestPastOrder: 200_000 };
    const names = (s: ReturnType<typeof orderSignals>) => s.map((x) => x.name);
    expect(names(orderSignals(policy, { ...base, side: 'sell', amount: 500_000 }))).toEqual([]);
    expect(names(orderSignals(policy, { ...base, side: 'sell', amount: 900_000 }))).toEqual(['sell_off']);
    expect(names(orderSignals(policy, { ...base, side: 'sell', amount: 300_000, soldInWindow: 600_000, holdingsValue: 400_000 }))).toEqual(['sell_off']);
    expect(names(orderSignals(policy, { ...base, side: 'buy', amount: 100_000, holdingsValue: 0, soldInWindow: 1_000_000, dailyTurnoverYen: 1_000_000 }))).toEqual(['after_sell_off', 'illiquid_instrument']);
    expect(names(orderSignals(policy, { ...base, side: 'buy', amount: 3_000_000 }))).toEqual(['far_above_habit']);
    expect(names(orderSignals(policy, { ...base, side: 'buy', amount: 3_000_000, pastOrders: 2 }))).toEqual([]);
  });

  it('withdrawals: changes shortly before, draining the cash, far outside habit', () => {
    const now = Date.UTC(2026, 0, 10);
    const base: WithdrawalFacts = { amount: 100_000, available: 1_000_000, contactChangedAt: null, factorChangedAt: null, pastWithdrawals: 0, largestPastWithdrawal: 0 };
    const names = (f: Partial<WithdrawalFacts>) => withdrawalSignals(policy, { ...base, ...f }, now).map((s) => s.name);
    expect(names({})).toEqual([]);
    expect(names({ contactChangedAt: now - 3_600_000, factorChangedAt: now - 7_200_000, amount: 950_000 })).toEqual(['recent_contact_change', 'recent_factor_change', 'drains_cash']);
    expect(names({ contactChangedAt: now - 100 * 3_600_000 })).toEqual([]);
    const held = evaluate(policy, 'withdrawal', withdrawalSignals(policy, { ...base, amount: 950_000, contactChangedAt: now - 3_600_000, factorChangedAt: now - 3_600_000 }, now));
    expect(held).toMatchObject({ outcome: 'hold', rule: 'withdrawal.change_then_withdraw' });
    const contactOnly = evaluate(policy, 'withdrawal', withdrawalSignals(policy, { ...base, contactChangedAt: now - 3_600_000 }, now));
    expect(contactOnly).toMatchObject({ outcome: 'allow', fired: [{ rule: 'withdrawal.recent_change', mode: 'observe' }] });
  });

  it('networks and distances', () => {
    expect(prefixOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(prefixOf('2001:db8:1234:5678::1')).toBe('2001:db8:1234::/48');
    expect(prefixOf('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(Math.round(distanceKm({ latitude: 35.68, longitude: 139.77 }, { latitude: 34.69, longitude: 135.5 }))).toBeGreaterThan(390);
    expect(Math.round(distanceKm({ latitude: 35.68, longitude: 139.77 }, { latitude: 34.69, longitude: 135.5 }))).toBeLessThan(410);
  });
});
