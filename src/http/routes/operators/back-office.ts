import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { fail } from '../../../domain/kernel/errors.js';
import type { ApprovalStatus } from '../../../domain/kernel/operator-store.js';
import type { BankAccount } from '../../../domain/kernel/types.js';
import { findCustomer } from '../../../domain/customers/lookup.js';
import { approveRequest, executeWithoutApproval, listApprovals, rejectRequest, requestApproval } from '../../../domain/operators/approvals.js';
import { customerCase, revealCustomer, searchCustomers } from '../../../domain/operators/customer-case.js';
import { refuseIfFrozen } from '../../../domain/protection/freeze.js';
import { createCohort, deleteCohort, migrationDashboard, scheduleCsv } from '../../../domain/operators/migration.js';
import { listOperators, whoAmI } from '../../../domain/operators/operators.js';
import { listServiceTokens, revokeServiceToken } from '../../../domain/operators/service-tokens.js';
import { auditPage, checkAuditChain } from '../../../domain/operators/audit-review.js';
import { adminCaller, adminScope } from '../../admin-scope.js';
import { answer, created } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { bankAccount, body, digits, enumOf, queryNumber, text } from '../../schemas.js';

// The console's API (and any service's): who am I, customers found and opened, four-eyes requests and
// their approvals, the audit chain, the passkey migration. Each route names the roles it admits.

const ALL = ['viewer', 'support', 'supervisor', 'security'] as const;
const loginIdParams = { type: 'object', properties: { loginId: text(64, 1) }, required: ['loginId'] };
const idParams = { type: 'object', properties: { id: text(64, 1) }, required: ['id'] };

export function backOfficeRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const customerOf = async (request: FastifyRequest<{ Params: { loginId: string } }>, reply: FastifyReply) => {
    const customer = await findCustomer(request.deps, request.params.loginId);
    if (!customer) sendFailure(request, reply, fail('not_found'));
    return customer;
  };

  adminScope(app, kabuto, (admin) => {
    admin.get('/api/admin/v1/me', { config: { roles: ALL } }, async (request) => whoAmI(request.deps, adminCaller(request)));

    admin.get<{ Querystring: { q: string } }>(
      '/api/admin/v1/customers',
      { config: { roles: ALL }, schema: { querystring: { type: 'object', properties: { q: text(100, 1) }, required: ['q'], additionalProperties: false } } },
      async (request, reply) => answer(request, reply, await searchCustomers(request.deps, request.query.q)),
    );

    admin.get<{ Params: { loginId: string } }>('/api/admin/v1/customers/:loginId/case', { config: { roles: ALL }, schema: { params: loginIdParams } }, async (request, reply) => {
      const customer = await customerOf(request, reply);
      if (!customer) return reply;
      return customerCase(request.deps, customer);
    });

    admin.post<{ Params: { loginId: string }; Body: { reason: string } }>(
      '/api/admin/v1/customers/:loginId/reveal',
      { config: { roles: ['support', 'supervisor', 'security'] }, schema: { params: loginIdParams, body: body({ reason: text(500, 1) }, ['reason']) } },
      async (request, reply) => {
        const customer = await customerOf(request, reply);
        if (!customer) return reply;
        return answer(request, reply, await revealCustomer(request.deps, adminCaller(request), customer, request.body.reason));
      },
    );

    admin.post<{ Params: { loginId: string }; Body: { bankAccount: BankAccount; reason?: string } }>(
      '/api/admin/v1/customers/:loginId/bank-account',
      { config: { roles: ['support'] }, schema: { params: loginIdParams, body: body({ bankAccount, reason: text(500, 1) }, ['bankAccount']) } },
      async (request, reply) => {
        const customer = await customerOf(request, reply);
        if (!customer) return reply;
        const caller = adminCaller(request);
        const payload = { bankAccount: request.body.bankAccount };
        // 取引制限 (withdrawals) covers the bank account: refused at request (and again when it runs).
        const frozen = await refuseIfFrozen(request.deps, customer.id, 'withdrawals');
        if (frozen) return sendFailure(request, reply, frozen);
        if (caller.bypassesFourEyes) return answer(request, reply, await executeWithoutApproval(request.deps, kabuto.approvalKinds, caller, 'bank_account_change', customer, payload));
        return answer(request, reply, await requestApproval(request.deps, kabuto.approvalKinds, caller, { kind: 'bank_account_change', customer, payload, reason: request.body.reason ?? 'not given' }), (approval) => ({ status: 'pending_approval', approval }), 202);
      },
    );

    admin.get<{ Querystring: { status?: ApprovalStatus } }>(
      '/api/admin/v1/approvals',
      { config: { roles: ALL }, schema: { querystring: { type: 'object', properties: { status: enumOf('pending', 'approved', 'rejected') }, additionalProperties: false } } },
      async (request) => ({ approvals: await listApprovals(request.deps, { status: request.query.status }) }),
    );

    admin.post<{ Params: { id: string } }>('/api/admin/v1/approvals/:id/approve', { config: { roles: ['supervisor', 'security'] }, schema: { params: idParams, body: body({}) } }, async (request, reply) =>
      answer(request, reply, await approveRequest(request.deps, kabuto.approvalKinds, adminCaller(request), request.params.id)),
    );

    admin.post<{ Params: { id: string } }>('/api/admin/v1/approvals/:id/reject', { config: { roles: ['support', 'supervisor', 'security'] }, schema: { params: idParams, body: body({}) } }, async (request, reply) =>
      answer(request, reply, await rejectRequest(request.deps, adminCaller(request), request.params.id)),
    );

    admin.get('/api/admin/v1/audit/verify', { config: { roles: ['supervisor', 'security'] } }, async (request) => checkAuditChain(request.deps));

    admin.get<{ Querystring: { after?: string } }>(
      '/api/admin/v1/audit',
      { config: { roles: ['supervisor', 'security'] }, schema: { querystring: { type: 'object', properties: { after: digits(15) }, additionalProperties: false } } },
      async (request) => auditPage(request.deps, queryNumber(request.query.after, 0, 0, Number.MAX_SAFE_INTEGER)),
    );

    admin.get('/api/admin/v1/migration', { config: { roles: ALL } }, async (request) => migrationDashboard(request.deps));

    admin.get('/api/admin/v1/migration/schedule.csv', { config: { roles: ALL } }, async (request, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="passkey-migration-schedule.csv"').send(await scheduleCsv(request.deps)),
    );

    admin.post<{ Body: { name: string; bucketFrom: number; bucketTo: number; dueAt: string } }>(
      '/api/admin/v1/migration/cohorts',
      {
        config: { roles: ['supervisor', 'security'] },
        schema: {
          body: body(
            { name: text(100, 1), bucketFrom: { type: 'integer', minimum: 0, maximum: 99 }, bucketTo: { type: 'integer', minimum: 0, maximum: 99 }, dueAt: text(40, 10) },
            ['name', 'bucketFrom', 'bucketTo', 'dueAt'],
          ),
        },
      },
      async (request, reply) => created(request, reply, await createCohort(request.deps, adminCaller(request), request.body)),
    );

    admin.delete<{ Params: { id: string } }>('/api/admin/v1/migration/cohorts/:id', { config: { roles: ['security'] }, schema: { params: idParams } }, async (request, reply) =>
      answer(request, reply, await deleteCohort(request.deps, adminCaller(request), request.params.id), () => ({ status: 'deleted' })),
    );

    admin.get('/api/admin/v1/operators', { config: { roles: ['security'] } }, async (request) => listOperators(request.deps));

    admin.get('/api/admin/v1/service-tokens', { config: { roles: ['security'] } }, async (request) => listServiceTokens(request.deps));

    admin.post<{ Params: { id: string } }>('/api/admin/v1/service-tokens/:id/revoke', { config: { roles: ['security'] }, schema: { params: idParams, body: body({}) } }, async (request, reply) =>
      answer(request, reply, await revokeServiceToken(request.deps, request.params.id, adminCaller(request).actor), () => ({ status: 'revoked' })),
    );
  });
}
