import { describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { ADDRESSES, attackerAt, seedVictim, signInRelayingCode } from '../risk/support.js';
import { signedInOperator } from './support.js';

// Four eyes on lifting a risk hold (docs/operators.md): an operator's release of a held order or
// withdrawal is a request another security operator approves; the requester cannot approve it.

/** 20:00 JST on a weekday: the victim's usual hour (test/risk/support.ts). */
const START = Date.UTC(2026, 2, 2, 11, 0, 0);

describe(`four eyes: releasing a risk hold (${dialect})`, () => {
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' }, startAt: START }, { per: 'suite' });

  it('one security operator asks, the same one cannot approve, a second one does: the held order runs then, with the approver named', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    const held = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 100, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'four-eyes-1' });
    expect(held.status).toBe(202);
    const holdId = held.body.hold.id as string;

    const first = await signedInOperator(server, ['security']);
    const second = await signedInOperator(server, ['security']);
    const support = await signedInOperator(server, ['support', 'supervisor']);

    // Asking is not releasing: 202, the hold still waits.
    const filed = await first.client.post(`/api/admin/v1/risk/holds/${holdId}/release`, { reason: 'customer confirmed by call-back' });
    expect(filed.status).toBe(202);
    expect(filed.body).toMatchObject({ status: 'pending_approval', approval: { kind: 'risk_hold_release', status: 'pending', payload: { holdId }, requestedBy: `operator:${first.email}` } });
    const approvalId = filed.body.approval.id as string;
    expect((await server.kabuto.deps.store.risk.findHold(holdId))!.status).toBe('held');

    // The requester cannot approve their own request.
    const own = await first.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error).toBe('approval_by_requester');
    // A supervisor without the security role cannot either (the kind's approver roles).
    expect((await support.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {})).status).toBe(403);
    expect((await server.kabuto.deps.store.risk.findHold(holdId))!.status).toBe('held');

    // The second operator approves: the order runs now, once.
    const approved = await second.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: `operator:${second.email}`, outcome: { done: true, hold: holdId, status: 'released', result: { done: { symbol: 'GLDP', side: 'buy', quantity: 100, status: 'executed' } } } });
    const hold = await server.kabuto.deps.store.risk.findHold(holdId);
    expect(hold).toMatchObject({ status: 'released', resolvedBy: `operator:${second.email}` });
    expect((await second.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {})).body.error).toBe('approval_decided');

    // The customer's case file shows the hold, the decision that held it, and the freezes (none).
    const file = (await support.client.get(`/api/admin/v1/customers/${victim.customer.loginId}/case`)).body;
    expect(file.holds).toEqual([expect.objectContaining({ id: holdId, kind: 'order', status: 'released', resolvedBy: `operator:${second.email}` })]);
    expect(file.riskDecisions).toEqual(expect.arrayContaining([expect.objectContaining({ operation: 'order', outcome: 'hold', holdId })]));
    expect(file.freezes).toMatchObject({ withdrawals: { frozen: false }, orders: { frozen: false }, signIn: { frozen: false } });

    // The audit names both operators; the customer heard of the request and of the release.
    const trail = (await second.client.get(`/api/admin/v1/customers/${victim.customer.loginId}/audit`)).body as Array<{ action: string; actor: string }>;
    expect(trail.find((e) => e.action === 'approval_requested')?.actor).toBe(`operator:${first.email}`);
    expect(trail.find((e) => e.action === 'approval_approved')?.actor).toBe(`operator:${second.email}`);
    expect(trail.find((e) => e.action === 'risk_hold_released')?.actor).toBe(`operator:${second.email}`);
    const notices = await server.kabuto.deps.store.operators.listNoticesTo(victim.customer.email, 20);
    expect(notices.map((n) => n.kind)).toEqual(expect.arrayContaining(['desk_request', 'risk_hold_released']));
  });

  it('a hold no longer waiting cannot be asked for; one rejected meanwhile is not run by a late approval', async () => {
    const victim = await seedVictim(server);
    const attacker = attackerAt(server, ADDRESSES.foreignHosting);
    expect(await signInRelayingCode(server, attacker, victim.customer)).toBe('signed_in');
    const held = await attacker.post('/api/v1/orders', { symbol: 'GLDP', side: 'buy', quantity: 100, tradingPassword: victim.customer.tradingPassword, idempotencyKey: 'four-eyes-2' });
    expect(held.status).toBe(202);
    const holdId = held.body.hold.id as string;
    const first = await signedInOperator(server, ['security']);
    const second = await signedInOperator(server, ['security']);

    const filed = await first.client.post(`/api/admin/v1/risk/holds/${holdId}/release`, { reason: 'asked by phone' });
    expect(filed.status).toBe(202);
    // Meanwhile another operator rejects the hold (rejecting needs no second pair of eyes: nothing runs).
    expect((await second.client.post(`/api/admin/v1/risk/holds/${holdId}/reject`, {})).body).toMatchObject({ status: 'rejected' });
    const late = await second.client.post(`/api/admin/v1/approvals/${filed.body.approval.id}/approve`, {});
    expect(late.body).toMatchObject({ status: 'approved', outcome: { error: 'hold_not_pending' } });
    expect((await server.kabuto.deps.store.risk.findHold(holdId))!.status).toBe('rejected');

    const again = await first.client.post(`/api/admin/v1/risk/holds/${holdId}/release`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'hold_not_pending', status: 'rejected' });
    expect((await first.client.post('/api/admin/v1/risk/holds/no-such-hold/release', { reason: 'x' })).status).toBe(404);
  });
});
