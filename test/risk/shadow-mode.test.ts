import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { ADDRESSES, attackerAt, buyIlliquid, damageOf, seedVictim, sellEverything, signInRelayingCode } from './support.js';

// Issue 17: shadow mode. With every rule in `observe` (KABUTO_RISK_POLICY, "mode": "observe") the 2025
// attack goes through, and every rule that would have stopped it is recorded and counted per rule: a
// firm tunes its thresholds on real traffic before it enforces them.

const dir = mkdtempSync(join(tmpdir(), 'kabuto-risk-'));
const policyFile = join(dir, 'risk-policy.json');
writeFileSync(policyFile, JSON.stringify({ mode: 'observe', illiquidTurnoverYen: 50_000_000 }));

describe(`risk: shadow mode (${dialect})`, () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1', KABUTO_RISK_POLICY: policyFile } });

  it('records what each rule would have done, with metrics per rule and mode, and applies nothing', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    // The customer's own SMS second factor still asks (relayed); the engine adds nothing.
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    expect(await sellEverything(attacker, victim.customer)).toEqual([201, 201]);
    expect(await buyIlliquid(attacker, victim.customer)).toBe(201);
    expect((await damageOf(server, victim.record)).illiquidBought).toBe(true);

    const decisions = (await server.admin().get(`/api/admin/v1/risk/decisions?loginId=${victim.customer.loginId}`)).body as Array<{
      operation: string;
      outcome: string;
      rule: string | null;
      fired: Array<{ rule: string; mode: string; outcome: string }>;
    }>;
    // A page of them: the query string's limit is read as digits (it is text, never coerced).
    const two = await server.admin().get(`/api/admin/v1/risk/decisions?loginId=${victim.customer.loginId}&limit=2`);
    expect(two.status).toBe(200);
    expect(two.body).toEqual(decisions.slice(0, 2));
    expect((await server.admin().get(`/api/admin/v1/risk/holds?limit=1`)).status).toBe(200);
    expect((await server.admin().get(`/api/admin/v1/risk/decisions?limit=ten`)).status).toBe(400);
    // Applied: nothing. Would have: step up the sign-in, hold the sell-off and the illiquid buy.
    expect(decisions.every((d) => d.outcome === 'allow' && d.rule === null)).toBe(true);
    const wouldHave = decisions.flatMap((d) => d.fired.map((f) => `${f.rule}:${f.mode}:${f.outcome}`));
    expect(wouldHave).toEqual(
      expect.arrayContaining([
        'signin.unfamiliar_network:observe:step_up',
        'order.sell_off_unfamiliar_network:observe:hold',
        'order.illiquid_unfamiliar_network:observe:hold',
        'order.illiquid_after_sell_off:observe:hold',
      ]),
    );
    const metrics = (await server.client().get('/metrics')).text;
    expect(metrics).toMatch(/kabuto_risk_decisions_total\{rule="signin.unfamiliar_network",mode="observe",outcome="step_up"\} 1/);
    expect(metrics).toMatch(/kabuto_risk_decisions_total\{rule="order.illiquid_after_sell_off",mode="observe",outcome="hold"\} 1/);
    expect(metrics).not.toMatch(/mode="enforce",outcome="(hold|step_up|refuse)"/);

    // The policy in force is what the file declared over the defaults.
    const policy = (await server.admin().get('/api/admin/v1/risk/policy')).body;
    expect(policy.illiquidTurnoverYen).toBe(50_000_000);
    expect(policy.rules.every((r: { mode: string }) => r.mode === 'observe')).toBe(true);
  });
});
