import { afterAll, describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { recordAudit } from '../../src/domain/kernel/audit.js';
import {
  ADDRESSES,
  attackerAt,
  buyIlliquid,
  damageOf,
  HOUR,
  seedVictim,
  sellEverything,
  signInRelayingCode,
  withdrawEverything,
  type Victim,
} from './support.js';

// Issue 17, "Must show": the scripted attacks of 2025, over HTTP (addresses through X-Forwarded-For,
// the proxy trusted in tests only). Each is counted stopped when, afterwards, no illiquid buy executed
// and no money left the account (nor is on its way: a withdrawal of any status counts as left).
// The detection rate over them is printed.

interface Outcome {
  name: string;
  stoppedAt: string;
  stopped: boolean;
}

const outcomes: Outcome[] = [];

/** 20:00 JST on a weekday: the victims' usual hour (the attacks come at it too, so the hour gives nothing away). */
const START = Date.UTC(2026, 2, 2, 11, 0, 0);

describe(`risk: the 2025 takeover scenarios over HTTP (${dialect})`, () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' }, startAt: START }, { per: 'suite' });

  /** What the attacker changed an hour earlier (seeded: the changes' own flows are tested elsewhere). */
  async function plantFactorAndBankAnHourAgo(victim: Victim): Promise<number> {
    const { deps } = server.kabuto;
    const anHourAgo = deps.clock.now() - HOUR;
    await deps.store.customers.update(victim.record.id, { contactChangedAt: anHourAgo, bankAccount: { bankName: '楽天銀行', branchName: '第一営業', accountNumber: '7654321', holderName: 'テスト タロウ' } });
    await recordAudit({ store: deps.store, clock: { now: () => anHourAgo } }, victim.record.id, 'totp_enrolled', {});
    return anHourAgo;
  }

  async function judge(name: string, victim: Victim, stoppedAt: string): Promise<Outcome> {
    const damage = await damageOf(server, victim.record);
    const outcome = { name, stoppedAt, stopped: !damage.illiquidBought && !damage.moneyLeft };
    outcomes.push(outcome);
    return outcome;
  }

  it('A — 2025 pattern: foreign hosting address, relayed code, sell everything, buy an illiquid foreign share: held before the buy', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    // Score 105 (new device, abroad, hosting, a new country): step-up; the victim has SMS and relays the code.
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    // The first sell is about half the holdings (executes: the cash stays in the account); the second
    // would make it a sell-off from a hosting network abroad: held.
    const sells = await sellEverything(attacker, victim.customer);
    expect(sells).toEqual([201, 202]);
    expect(await buyIlliquid(attacker, victim.customer)).toBe(202);
    const held = await server.admin().get(`/api/admin/v1/risk/holds?loginId=${victim.customer.loginId}&status=held`);
    expect(held.body.map((h: { rule: string }) => h.rule).sort()).toEqual(['order.illiquid_unfamiliar_network', 'order.sell_off_unfamiliar_network']);
    const account = await attacker.get('/api/v1/account');
    expect(account.body.holdings).toHaveLength(1);
    expect(await judge('A 2025: foreign hosting, relayed code, sell all, buy illiquid', victim, 'orders held')).toMatchObject({ stopped: true });
  });

  it('B — the same from abroad two hours after the customer signed in at home in Tokyo: impossible travel, refused at sign-in', async () => {
    const victim = await seedVictim(server, { lastSignInHoursAgo: 2 });
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('refused');
    expect((await attacker.get('/api/v1/account')).status).toBe(401);
    expect(await judge('B impossible travel (Tokyo → Ashburn in 2 h)', victim, 'sign-in refused')).toMatchObject({ stopped: true });
  });

  it('C — a Japanese residential proxy, relayed code: the sell-off goes through, the illiquid buy after it is held', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.homeTokyo[4]!);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    // Selling moves nothing out of the account: a domestic sell-off alone is not held (the cash stays).
    expect(await sellEverything(attacker, victim.customer)).toEqual([201, 201]);
    expect(await buyIlliquid(attacker, victim.customer)).toBe(202);
    expect(await judge('C domestic residential proxy: sell-off, then illiquid buy', victim, 'illiquid buy held')).toMatchObject({ stopped: true });
  });

  it('D — a domestic VPN exit, relayed code, withdraw all the cash: held', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.domesticVpn);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    expect(await withdrawEverything(attacker, victim.customer)).toBe(202);
    expect(await judge('D domestic VPN: withdraw everything', victim, 'withdrawal held')).toMatchObject({ stopped: true });
  });

  it('E — a planted authenticator app and a new bank account just before a withdrawal from a residential address: held', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.homeTokyo[2]!);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    await plantFactorAndBankAnHourAgo(victim);
    expect(await withdrawEverything(attacker, victim.customer)).toBe(202);
    expect(await judge('E factor and bank changed, then withdraw everything', victim, 'withdrawal held')).toMatchObject({ stopped: true });
  });

  it('G — as E, then the factor change buried under sixty sign-ins (each is audited too): still held', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.homeTokyo[2]!);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    const anHourAgo = await plantFactorAndBankAnHourAgo(victim);
    const { deps } = server.kabuto;
    for (let i = 0; i < 60; i++) await recordAudit({ store: deps.store, clock: { now: () => anHourAgo + 1000 * (i + 1) } }, victim.record.id, 'signed_in', { address: ADDRESSES.homeTokyo[2]! });
    expect(await withdrawEverything(attacker, victim.customer)).toBe(202);
    expect(await judge('G as E, the factor change buried under sixty audited sign-ins', victim, 'withdrawal held')).toMatchObject({ stopped: true });
  });

  it('F — from a foreign residential address, relayed code: the sell-off from abroad is held, and so is the illiquid buy', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignResidential);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    expect(await sellEverything(attacker, victim.customer)).toEqual([201, 202]);
    expect(await buyIlliquid(attacker, victim.customer)).toBe(202);
    expect(await withdrawEverything(attacker, victim.customer)).toBe(202);
    expect(await judge('F foreign residential: sell all, buy illiquid, withdraw', victim, 'orders and withdrawal held')).toMatchObject({ stopped: true });
  });

  it('explains every decision to operators, and tells the customer only the plain reason', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    const bought = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 100, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'explain-1' });
    expect(bought.status).toBe(202);
    expect(bought.body).toMatchObject({ status: 'held', hold: { kind: 'order' }, reason: { ja: expect.stringContaining('ご本人確認のため') } });
    // The customer's answer names no rule, no signal, no score.
    expect(JSON.stringify(bought.body)).not.toMatch(/illiquid|hosting|score|rule/i);

    const decisions = await server.admin().get(`/api/admin/v1/risk/decisions?loginId=${victim.customer.loginId}`);
    expect(decisions.status).toBe(200);
    const [order, signIn] = decisions.body;
    expect(signIn).toMatchObject({ operation: 'sign_in', outcome: 'step_up', rule: 'signin.unfamiliar_network', score: 105 });
    expect(signIn.signals.map((s: { name: string }) => s.name).sort()).toEqual(['foreign_country', 'hosting_network', 'new_country', 'new_device']);
    expect(signIn.signals.find((s: { name: string }) => s.name === 'hosting_network')).toMatchObject({ value: 14618, points: 40, detail: expect.stringContaining('Amazon') });
    expect(order).toMatchObject({ operation: 'order', outcome: 'hold', rule: 'order.illiquid_unfamiliar_network', holdId: bought.body.hold.id });
    expect(order.fired).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'order.illiquid_buy', mode: 'observe', description: expect.any(String) })]));
    expect(order.explanation).toContain('hold by order.illiquid_unfamiliar_network');

    const byRule = await server.admin().get('/api/admin/v1/risk/decisions?rule=order.illiquid_buy');
    expect(byRule.body.some((d: { holdId: string }) => d.holdId === bought.body.hold.id)).toBe(true);

    // Every decision is in the audit chain, and the customer heard of the hold (plain reason).
    const audit = await server.admin().get(`/api/admin/v1/customers/${victim.customer.loginId}/audit`);
    expect(audit.body.items ?? audit.body).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'risk_decision' })]));
    const mine = await attacker.get('/api/v1/holds');
    expect(mine.body[0]).toMatchObject({ status: 'held', what: expect.stringContaining('GLDP') });
  });

  it('an operator releases a held order (it executes now) or rejects one (nothing runs); each once', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    const sell = await attacker.post('/api/v1/orders', { symbol: '7203', side: 'sell', quantity: 300, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'release-1' });
    const buy = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 100, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'reject-1' });
    // 7203 is only part of the holdings: not a sell-off; the illiquid buy from AWS is held.
    expect(sell.status).toBe(201);
    expect(buy.status).toBe(202);
    const admin = server.admin();
    const rejected = await admin.post(`/api/admin/v1/risk/holds/${buy.body.hold.id}/reject`);
    expect(rejected.body).toMatchObject({ status: 'rejected', resolvedBy: 'admin' });
    expect((await admin.post(`/api/admin/v1/risk/holds/${buy.body.hold.id}/release`)).body).toMatchObject({ error: 'hold_not_pending', status: 'rejected' });
    // The same key again: refused, not held anew.
    const again = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 100, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'reject-1' });
    expect(again.status).toBe(403);
    expect((await damageOf(server, victim.record)).illiquidBought).toBe(false);

    const sellAll = await attacker.post('/api/v1/orders', { symbol: '6758', side: 'sell', quantity: 200, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'release-2' });
    expect(sellAll.status).toBe(202);
    const releases = await Promise.all(Array.from({ length: 10 }, () => admin.post(`/api/admin/v1/risk/holds/${sellAll.body.hold.id}/release`)));
    expect(releases.filter((r) => r.status === 200)).toHaveLength(1);
    expect(releases.filter((r) => r.status === 409)).toHaveLength(9);
    const account = await server.admin().get(`/api/admin/v1/risk/holds?loginId=${victim.customer.loginId}&status=released`);
    expect(account.body[0]).toMatchObject({ status: 'released', result: { done: { symbol: '6758', side: 'sell', quantity: 200, status: 'executed' } } });
    // The key now answers the executed order.
    const replay = await attacker.post('/api/v1/orders', { symbol: '6758', side: 'sell', quantity: 200, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'release-2' });
    expect(replay.status).toBe(201);
    expect((await attacker.get('/api/v1/account')).body.holdings).toEqual([]);
  });

  afterAll(() => {
    if (outcomes.length === 0) return;
    const stopped = outcomes.filter((o) => o.stopped).length;
    const lines = outcomes.map((o) => `  ${o.stopped ? 'stopped' : 'MISSED '}  ${o.name} — ${o.stoppedAt}`);
    console.log(`\n[risk scenarios, ${dialect}] detection rate: ${stopped}/${outcomes.length} = ${((100 * stopped) / outcomes.length).toFixed(1)} % of the attack scenarios stopped before money left or the illiquid buy executed\n${lines.join('\n')}\n`);
  });

  it('a held order is not released while the customer has frozen orders (取引制限): 423, still held', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    const buy = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 100, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'frozen-release-1' });
    expect(buy.status).toBe(202);
    // The customer, told of the hold, freezes orders (seeded: the freeze's own flows are tested in test/protection).
    const { deps } = server.kabuto;
    await deps.store.protection.freeze(victim.record.id, ['orders'], deps.clock.now());
    const released = await server.admin().post(`/api/admin/v1/risk/holds/${buy.body.hold.id}/release`);
    expect(released.status, JSON.stringify(released.body)).toBe(423);
    expect(released.body).toMatchObject({ error: 'account_frozen', level: 'orders' });
    expect(await deps.store.risk.findHold(buy.body.hold.id)).toMatchObject({ status: 'held' });
    expect((await damageOf(server, victim.record)).illiquidBought).toBe(false);
  });

  it('stops every attack scenario (detection rate 100 %)', () => {
    expect(outcomes.length).toBe(7);
    expect(outcomes.filter((o) => !o.stopped)).toEqual([]);
  });
});

