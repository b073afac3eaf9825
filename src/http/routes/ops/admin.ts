import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { auditTrail } from '../../../domain/customers/audit-trail.js';
import { createCustomer, unlockCustomer, type NewCustomer } from '../../../domain/customers/customers.js';
import { executeWithoutApproval, requestApproval } from '../../../domain/operators/approvals.js';
import { findCustomer } from '../../../domain/customers/lookup.js';
import { fail } from '../../../domain/kernel/errors.js';
import { adminActor, adminCaller, adminScope } from '../../admin-scope.js';
import { answer, created } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { pageOf, pageQuery, sequenceCursor, type PageQuery } from '../../pages.js';
import { bankAccount, body, secret, text } from '../../schemas.js';
import { adminDepositRoute } from './admin-deposits.js';

const loginIdParams = { type: 'object', properties: { loginId: text(64, 1) }, required: ['loginId'] };

/** The back office's customer API (behind adminScope). */
export function adminRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const customerOf = async (request: FastifyRequest<{ Params: { loginId: string } }>, reply: FastifyReply) => {
    const customer = await findCustomer(request.deps, request.params.loginId);
    if (!customer) sendFailure(request, reply, fail('not_found'));
    return customer;
  };

  adminScope(app, kabuto, (admin) => {
    admin.post<{ Body: NewCustomer & { cash?: number } }>(
      '/api/admin/v1/customers',
      {
        config: { roles: ['support'] },
        schema: {
          body: body(
            {
              loginId: text(64, 1),
              name: text(100, 1),
              email: text(254, 3),
              password: secret,
              tradingPassword: secret,
              phone: text(32, 1),
              address: text(200),
              cash: { type: 'integer', minimum: 0, maximum: 1e12 },
              bankAccount,
            },
            ['name', 'email', 'password', 'tradingPassword'],
          ),
        },
      },
      async (request, reply) => {
        const { cash, ...input } = request.body;
        return created(request, reply, await createCustomer(request.deps, input), async (customer) => {
          if (cash) await kabuto.hooks.onInitialCash(customer, cash);
          return { loginId: customer.loginId };
        });
      },
    );

    admin.post<{ Params: { loginId: string } }>('/api/admin/v1/customers/:loginId/unlock', { config: { roles: ['support'] }, schema: { params: loginIdParams, body: body({}) } }, async (request, reply) => {
      const customer = await customerOf(request, reply);
      if (!customer) return reply;
      await unlockCustomer(request.deps, customer, adminActor(request));
      return { status: 'unlocked' };
    });

    // Four eyes (docs/operators.md): an operator or a service files a request (202) that a supervisor or
    // the security desk approves; the bootstrap token of development and test resets at once, as v1 did.
    admin.post<{ Params: { loginId: string }; Body: { reason?: string } }>(
      '/api/admin/v1/customers/:loginId/mfa/reset',
      { config: { roles: ['support'] }, schema: { params: loginIdParams, body: body({ reason: text(500, 1) }) } },
      async (request, reply) => {
        const customer = await customerOf(request, reply);
        if (!customer) return reply;
        const caller = adminCaller(request);
        if (caller.bypassesFourEyes) return answer(request, reply, await executeWithoutApproval(request.deps, kabuto.approvalKinds, caller, 'mfa_reset', customer, {}), () => ({ status: 'reset' }));
        return answer(request, reply, await requestApproval(request.deps, kabuto.approvalKinds, caller, { kind: 'mfa_reset', customer, payload: {}, reason: request.body.reason ?? 'not given' }), (approval) => ({ status: 'pending_approval', approval }), 202);
      },
    );

    adminDepositRoute(admin, kabuto, customerOf);

    admin.get<{ Params: { loginId: string }; Querystring: PageQuery }>(
      '/api/admin/v1/customers/:loginId/audit',
      { config: { roles: ['viewer', 'support', 'supervisor', 'security'] }, schema: { params: loginIdParams, querystring: pageQuery } },
      async (request, reply) => {
        const customer = await customerOf(request, reply);
        if (!customer) return reply;
        return auditTrail(request.deps, customer.id, pageOf(request.query, sequenceCursor));
      },
    );
  });
}
