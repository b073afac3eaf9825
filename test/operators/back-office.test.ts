import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { adminRoutesOf } from '../../src/http/admin-scope.js';
import { OPERATOR_ROLES, type OperatorRole } from '../../src/domain/kernel/types.js';
import { ADMIN_TOKEN, TEST_SECRET, useTestServer } from '../support/harness.js';
import { createCustomer } from '../support/flows.js';
import { HttpClient } from '../support/http-client.js';
import { serviceClient, signedInOperator } from './support.js';

// The back office's door (issue 20): operators and service tokens by role, four eyes, audit names.

const server = useTestServer();

describe('every admin route refuses each role that may not use it', () => {
  it('table-driven over every route registered through adminScope (other rooms\' routes included once merged)', async () => {
    const customer = await createCustomer(server);
    const routes = adminRoutesOf(server.app);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const clients = Object.fromEntries(await Promise.all(OPERATOR_ROLES.map(async (role) => [role, await serviceClient(server, [role])] as const))) as Record<OperatorRole, HttpClient>;
    const stranger = server.client();
    let refusals = 0;
    for (const route of routes) {
      const path = route.url.replace(':loginId', customer.loginId).replace(/:[A-Za-z]+/g, 'nope');
      const call = (client: HttpClient) => client.request(route.method, path, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      expect((await call(stranger)).status, `${route.method} ${route.url} without a credential`).toBe(401);
      for (const role of OPERATOR_ROLES) {
        const response = await call(clients[role]);
        if (route.roles.includes(role)) {
          expect([401, 403], `${route.method} ${route.url} as ${role} (admitted)`).not.toContain(response.status);
        } else {
          expect(response.status, `${route.method} ${route.url} as ${role}`).toBe(403);
          expect(response.body.error).toBe('forbidden');
          refusals++;
        }
      }
    }
    expect(refusals).toBeGreaterThan(10);
  });

  it('an operator signed in to the console gets the roles of their account, nothing more', async () => {
    const viewer = await signedInOperator(server, ['viewer']);
    expect((await viewer.client.get('/api/admin/v1/me')).body).toMatchObject({ kind: 'operator', actor: `operator:${viewer.email}`, roles: ['viewer'] });
    expect((await viewer.client.get('/api/admin/v1/audit/verify')).status).toBe(403);
    // A forged or stale cookie is nobody.
    const forged = server.client();
    forged.cookies.set('kabuto_console', 'x.y');
    expect((await forged.get('/api/admin/v1/me')).status).toBe(401);
  });

  it('service tokens expire and are revoked; a wrong secret is nobody', async () => {
    const support = await serviceClient(server, ['support'], 'ci');
    expect((await support.get('/api/admin/v1/me')).body).toMatchObject({ kind: 'service', actor: 'service:ci' });
    const security = await serviceClient(server, ['security']);
    const tokens = (await security.get('/api/admin/v1/service-tokens')).body.tokens as Array<{ id: string; name: string }>;
    const ci = tokens.find((t) => t.name === 'ci')!;
    // Only the hash is stored.
    const stored = await sql<{ secret_hash: string }>`select secret_hash from service_tokens`.execute(server.kabuto.database.db);
    expect(JSON.stringify(stored.rows)).not.toContain((support as any).options.authorization.split('.')[1]);
    expect((await security.post(`/api/admin/v1/service-tokens/${ci.id}/revoke`, {})).body).toEqual({ status: 'revoked' });
    expect((await support.get('/api/admin/v1/me')).status).toBe(401);
    const viewer = await serviceClient(server, ['viewer']);
    server.clock.advance(31 * 86_400_000);
    expect((await viewer.get('/api/admin/v1/me')).status).toBe(401);
    const wrong = new HttpClient(server.url, { authorization: `Bearer kst_${ci.id}.wrong` });
    expect((await wrong.get('/api/admin/v1/me')).status).toBe(401);
  });
});

describe('four eyes', () => {
  it('an MFA reset by an operator is a request (202) the customer hears of; the requester cannot approve it; a supervisor does, and the audit names both', async () => {
    const customer = await createCustomer(server);
    const support = await signedInOperator(server, ['support']);
    const supervisor = await signedInOperator(server, ['supervisor', 'support']);
    const filed = await support.client.post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`, { reason: 'lost phone, identity checked by call-back' });
    expect(filed.status).toBe(202);
    expect(filed.body).toMatchObject({ status: 'pending_approval', approval: { kind: 'mfa_reset', status: 'pending', requestedBy: `operator:${support.email}` } });
    const id = filed.body.approval.id as string;
    // Not done yet.
    const mfaBefore = await server.kabuto.deps.store.customers.findByLoginId(customer.loginId);
    expect((await server.kabuto.deps.store.operators.findApproval(id))!.status).toBe('pending');
    // The requester's own approval: refused (support lacks the role; give them the role too to show the rule itself).
    expect((await support.client.post(`/api/admin/v1/approvals/${id}/approve`, {})).status).toBe(403);
    const selfFiled = await supervisor.client.post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`, { reason: 'asked twice' });
    const selfApproval = await supervisor.client.post(`/api/admin/v1/approvals/${selfFiled.body.approval.id}/approve`, {});
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.error).toBe('approval_by_requester');

    const approved = await supervisor.client.post(`/api/admin/v1/approvals/${id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: `operator:${supervisor.email}`, outcome: { done: true, status: 'reset' } });
    expect(mfaBefore).toBeDefined();
    // Decided once.
    expect((await supervisor.client.post(`/api/admin/v1/approvals/${id}/approve`, {})).body.error).toBe('approval_decided');

    const trail = (await supervisor.client.get(`/api/admin/v1/customers/${customer.loginId}/audit`)).body as Array<{ action: string; actor: string }>;
    expect(trail.filter((e) => e.action === 'approval_requested').map((e) => e.actor)).toContain(`operator:${support.email}`);
    expect(trail.find((e) => e.action === 'approval_approved')?.actor).toBe(`operator:${supervisor.email}`);
    expect(trail.find((e) => e.action === 'mfa_reset')?.actor).toBe(`operator:${supervisor.email}`);
    // Both steps told to the customer: the request, then the reset.
    const notices = await server.kabuto.deps.store.operators.listNoticesTo(customer.email, 10);
    expect(notices.map((n) => n.kind)).toEqual(expect.arrayContaining(['desk_request', 'mfa_reset']));
  });

  it('an expired request is refused', async () => {
    const customer = await createCustomer(server);
    const support = await serviceClient(server, ['support']);
    // A service with the supervisor's role (a console session would have ended in the day that passes).
    const supervisor = await serviceClient(server, ['supervisor']);
    const filed = await support.post(`/api/admin/v1/customers/${customer.loginId}/deposits`, { amount: 50_000, reason: 'transfer received' });
    expect(filed.status).toBe(202);
    server.clock.advance(24 * 3600_000 + 1);
    const late = await supervisor.post(`/api/admin/v1/approvals/${filed.body.approval.id}/approve`, {});
    expect(late.status).toBe(410);
    expect(late.body.error).toBe('approval_expired');
    expect((await supervisor.get('/api/admin/v1/approvals')).body.approvals[0].status).toBe('expired');
    // No money moved.
    expect((await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`)).body.some((e: { action: string }) => e.action === 'cash_deposited')).toBe(false);
  });

  /** A customer, a support operator and a supervisor signed in to the console, and the bank account the desk is asked for. */
  const deskBankChange = async () => ({
    customer: await createCustomer(server),
    support: await signedInOperator(server, ['support']),
    supervisor: await signedInOperator(server, ['supervisor']),
    bankAccount: { bankName: 'みずほ銀行', branchName: '本店', accountNumber: '7654321', holderName: 'カブト タロウ' },
  });

  it('a bank-account change by the desk waits for a supervisor, then changes the account and tells the customer', async () => {
    const { customer, support, supervisor, bankAccount } = await deskBankChange();
    const filed = await support.client.post(`/api/admin/v1/customers/${customer.loginId}/bank-account`, { bankAccount, reason: 'written request received' });
    expect(filed.status).toBe(202);
    expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.bankAccount).toBeNull();
    const approved = await supervisor.client.post(`/api/admin/v1/approvals/${filed.body.approval.id}/approve`, {});
    expect(approved.body.outcome).toEqual({ done: true, accountLast4: '4321' });
    expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.bankAccount).toEqual(bankAccount);
  });

  it('no bank-account change by the desk while the customer has frozen withdrawals: refused at request (423), and an approval given before the freeze runs nothing', async () => {
    const { customer, support, supervisor, bankAccount } = await deskBankChange();
    // Asked before the freeze, approved after it: nothing changes.
    const filed = await support.client.post(`/api/admin/v1/customers/${customer.loginId}/bank-account`, { bankAccount, reason: 'written request received' });
    expect(filed.status).toBe(202);
    const client = server.client();
    expect((await client.post('/api/v1/login', { loginId: customer.loginId, password: customer.password })).status).toBe(200);
    expect((await client.post('/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
    const approved = await supervisor.client.post(`/api/admin/v1/approvals/${filed.body.approval.id}/approve`, {});
    expect(approved.body.outcome).toEqual({ error: 'account_frozen' });
    expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.bankAccount).toBeNull();
    // Asked under the freeze: refused at once, and with the bootstrap token too.
    const refused = await support.client.post(`/api/admin/v1/customers/${customer.loginId}/bank-account`, { bankAccount, reason: 'again' });
    expect(refused.status).toBe(423);
    expect(refused.body).toMatchObject({ error: 'account_frozen', level: 'withdrawals' });
    expect((await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/bank-account`, { bankAccount })).status).toBe(423);
    expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.bankAccount).toBeNull();
  });

  it('the bootstrap token (development and test) keeps the v1 answers: the reset and the deposit happen at once', async () => {
    const customer = await createCustomer(server);
    const reset = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`, {});
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ status: 'reset' });
    const deposit = await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/deposits`, { amount: 1000 });
    expect(deposit.status).toBe(201);
    expect(deposit.body.amount).toBe(1000);
  });
});

describe('the old shared token in production', () => {
  it('is refused: the configuration does not load, naming the replacement', () => {
    const production = {
      NODE_ENV: 'production',
      KABUTO_SECRET: TEST_SECRET,
      KABUTO_PUBLIC_ORIGIN: 'https://kabuto.example.jp',
      KABUTO_SMTP_URL: 'smtps://u:p@mail.example.jp:465',
      KABUTO_SMS_ACCOUNT_SID: 'AC1',
      KABUTO_SMS_AUTH_TOKEN: 't',
      KABUTO_SMS_FROM: '+815012345678',
    };
    expect(() => loadConfig({ ...production, KABUTO_ADMIN_TOKEN: ADMIN_TOKEN })).toThrow(/KABUTO_ADMIN_TOKEN is refused in production: create a service token/);
    expect(loadConfig(production).adminToken).toBeUndefined();
  });
});

describe('the console\'s customer search and case view', () => {
  it('finds a customer by login ID, e-mail or phone, masked; revealing takes a reason, which is audited', async () => {
    const customer = await createCustomer(server);
    const viewer = await signedInOperator(server, ['viewer']);
    const support = await signedInOperator(server, ['support']);
    for (const q of [customer.loginId.slice(0, 8), customer.email, customer.phone!]) {
      const found = (await viewer.client.get(`/api/admin/v1/customers?q=${encodeURIComponent(q)}`)).body.customers as Array<{ loginId: string; email: string; masked: boolean }>;
      const match = found.find((c) => c.loginId === customer.loginId);
      expect(match, q).toBeDefined();
      expect(match!.masked).toBe(true);
      expect(match!.email).not.toBe(customer.email);
    }
    expect((await viewer.client.post(`/api/admin/v1/customers/${customer.loginId}/reveal`, { reason: 'call' })).status).toBe(403);
    const revealed = await support.client.post(`/api/admin/v1/customers/${customer.loginId}/reveal`, { reason: 'customer on the phone, verified' });
    expect(revealed.body.email).toBe(customer.email);
    const trail = (await support.client.get(`/api/admin/v1/customers/${customer.loginId}/audit`)).body as Array<{ action: string; actor: string; detail: { reason?: string } }>;
    expect(trail.find((e) => e.action === 'customer_data_revealed')).toMatchObject({ actor: `operator:${support.email}`, detail: { reason: 'customer on the phone, verified' } });
    const file = (await viewer.client.get(`/api/admin/v1/customers/${customer.loginId}/case`)).body;
    expect(Object.keys(file)).toEqual(expect.arrayContaining(['customer', 'factors', 'locks', 'sessions', 'devices', 'notices', 'logins', 'security', 'approvals', 'freezes', 'riskDecisions']));
    expect(file.customer.masked).toBe(true);
  });

  it('the audit chain checks out, and a tampered row is found', async () => {
    await createCustomer(server);
    const security = await signedInOperator(server, ['security']);
    const intact = (await security.client.get('/api/admin/v1/audit/verify')).body;
    expect(intact.intact).toBe(true);
    expect(intact.entries).toBeGreaterThan(1);
    // The trail in pages: `after` is a sequence number, read from the query string's digits.
    const firstPage = (await security.client.get('/api/admin/v1/audit')).body.entries as Array<{ seq: number }>;
    const next = await security.client.get(`/api/admin/v1/audit?after=${firstPage[0]!.seq}`);
    expect(next.status).toBe(200);
    expect(next.body.entries[0].seq).toBe(firstPage[0]!.seq + 1);
    expect((await security.client.get('/api/admin/v1/audit?after=-1')).status).toBe(400);
    await sql`update audit_log set actor = 'someone-else' where seq = 1`.execute(server.kabuto.database.db);
    expect((await security.client.get('/api/admin/v1/audit/verify')).body).toMatchObject({ intact: false, brokenAt: 1 });
  });
});
