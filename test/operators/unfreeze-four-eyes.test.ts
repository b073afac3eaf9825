import { describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { signedIn, signInWithPassword } from '../support/flows.js';
import { BANK, newAuthenticator, registerPasskey } from '../factors/support/factor-flows.js';
import { expectFrozen, withdrawal } from '../protection/support.js';
import { serviceClient, signedInOperator } from './support.js';

// Issue 20.2: lifting a customer's freeze is one of the dangerous actions that take two operators. The
// one who made the fresh identity check asks (202: nothing is lifted yet); the same one cannot approve;
// a second supervisor or security operator approves, and the lift runs with the approver as its actor.

const rich = { cash: 1_000_000, bankAccount: BANK };
const DAY = 24 * 3600_000;

describe(`four eyes: lifting a freeze (${dialect})`, () => {
  const server = useTestServer({}, { per: 'suite' });

  it('one supervisor asks after the identity check, the same one cannot approve, a second one does: lifted then, both named', async () => {
    const { customer, client } = await signedIn(server, rich);
    expect((await client.post('/api/v1/protection/freeze', { levels: ['withdrawals', 'orders'] })).status).toBe(200);
    const first = await signedInOperator(server, ['supervisor']);
    const second = await signedInOperator(server, ['security']);
    const support = await signedInOperator(server, ['support']);
    const path = `/api/admin/v1/customers/${customer.loginId}/unfreeze`;
    const input = { levels: ['withdrawals'], reason: '本人から電話、出金の再開を希望', identityCheck: 'ビデオ通話で運転免許証を確認' };

    // The support desk may not even ask; a request without the identity check is refused.
    expect((await support.client.post(path, input)).status).toBe(403);
    expect((await first.client.post(path, { levels: ['withdrawals'], reason: 'r' })).status).toBe(400);

    // Asking is not lifting: 202, withdrawals still frozen.
    const filed = await first.client.post(path, input);
    expect(filed.status, JSON.stringify(filed.body)).toBe(202);
    expect(filed.body).toMatchObject({ status: 'pending_approval', approval: { kind: 'unfreeze', status: 'pending', payload: { levels: ['withdrawals'], identityCheck: input.identityCheck }, requestedBy: `operator:${first.email}` } });
    const approvalId = filed.body.approval.id as string;
    expectFrozen(await withdrawal(client, customer), 'withdrawals');

    // The requester cannot approve their own request; nor can the support desk (the kind's approver roles).
    const own = await first.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error).toBe('approval_by_requester');
    expect((await support.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {})).status).toBe(403);
    expectFrozen(await withdrawal(client, customer), 'withdrawals');

    // The second operator approves: withdrawals are lifted (and cool off), orders stay frozen.
    const approved = await second.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: `operator:${second.email}`, outcome: { done: true, freeze: { withdrawals: { frozen: false }, orders: { frozen: true } } } });
    expect(approved.body.outcome.freeze.withdrawalsHeldUntil).not.toBeNull();
    expect((await withdrawal(client, customer)).body.status).toBe('pending');
    expect((await second.client.post(`/api/admin/v1/approvals/${approvalId}/approve`, {})).body.error).toBe('approval_decided');
    const file = (await support.client.get(`/api/admin/v1/customers/${customer.loginId}/case`)).body;
    expect(file.freezes).toMatchObject({ withdrawals: { frozen: false }, orders: { frozen: true } });
    expect(file.approvals).toEqual([expect.objectContaining({ id: approvalId, kind: 'unfreeze', status: 'approved' })]);

    // The audit names both; the lift carries the identity check and the reason; the customer heard of both steps.
    const trail = (await second.client.get(`/api/admin/v1/customers/${customer.loginId}/audit`)).body as Array<{ action: string; actor: string; detail: Record<string, unknown> }>;
    expect(trail.find((e) => e.action === 'approval_requested')?.actor).toBe(`operator:${first.email}`);
    expect(trail.find((e) => e.action === 'account_unfrozen')).toMatchObject({ actor: `operator:${second.email}`, detail: { by: 'operator', levels: ['withdrawals'], reason: input.reason, identityCheck: input.identityCheck } });
    const notices = await server.kabuto.deps.store.operators.listNoticesTo(customer.email, 20);
    expect(notices.map((n) => n.kind)).toEqual(expect.arrayContaining(['desk_request', 'account_unfrozen']));
  });

  it('a service token asks too (202), and a customer who has a passkey that lifts the freeze is refused at the request', async () => {
    const { customer, client } = await signedIn(server, rich);
    await client.post('/api/v1/protection/freeze', { levels: ['orders'] });
    const service = await serviceClient(server, ['supervisor']);
    const filed = await service.post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['orders'], reason: 'r', identityCheck: 'c' });
    expect(filed.status).toBe(202);
    expect(filed.body.approval.kind).toBe('unfreeze');

    const owner = await signedIn(server, rich);
    await registerPasskey(server, owner.client, owner.customer, newAuthenticator(server));
    server.clock.advance(2 * DAY);
    const again = server.client();
    await signInWithPassword(again, owner.customer);
    await again.post('/api/v1/protection/freeze', { levels: ['orders'] });
    const operator = await signedInOperator(server, ['supervisor']);
    const refused = await operator.client.post(`/api/admin/v1/customers/${owner.customer.loginId}/unfreeze`, { levels: ['orders'], reason: 'r', identityCheck: 'c' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('unfreeze_by_passkey');
    const record = await server.kabuto.deps.store.customers.findByLoginId(owner.customer.loginId);
    expect((await server.kabuto.deps.store.operators.listApprovals({ customerId: record!.id, limit: 10 })).length).toBe(0);
  });
});
