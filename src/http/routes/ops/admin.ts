import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { auditTrail } from '../../../domain/customers/audit-trail.js';
import { createCustomer, resetMfa, unlockCustomer, type NewCustomer } from '../../../domain/customers/customers.js';
import { findCustomer } from '../../../domain/customers/lookup.js';
import { fail } from '../../../domain/kernel/errors.js';
import { adminActor, adminScope } from '../../admin-scope.js';
import { created } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { pageOf, pageQuery, sequenceCursor, type PageQuery } from '../../pages.js';
import { bankAccount, body, secret, text } from '../../schemas.js';
import { adminDepositRoute } from './admin-deposits.js';

const loginIdParams = { type: 'object', properties: { loginId: text(64, 1) }, required: ['loginId'] };

/** The back office's customer API (behind adminScope). */
export function adminRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps } = kabuto;
  const customerOf = async (request: FastifyRequest<{ Params: { loginId: string } }>, reply: FastifyReply) => {
    const customer = await findCustomer(deps, request.params.loginId);
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
        return created(request, reply, await createCustomer(deps, input), async (customer) => {
          if (cash) await kabuto.hooks.onInitialCash(customer, cash);
          return { loginId: customer.loginId };
        });
      },
    );

    admin.post<{ Params: { loginId: string } }>('/api/admin/v1/customers/:loginId/unlock', { config: { roles: ['support'] }, schema: { params: loginIdParams, body: body({}) } }, async (request, reply) => {
      const customer = await customerOf(request, reply);
      if (!customer) return reply;
      await unlockCustomer(deps, customer, adminActor(request));
      return { status: 'unlocked' };
    });

    admin.post<{ Params: { loginId: string } }>('/api/admin/v1/customers/:loginId/mfa/reset', { config: { roles: ['support'] }, schema: { params: loginIdParams, body: body({}) } }, async (request, reply) => {
      const customer = await customerOf(request, reply);
      if (!customer) return reply;
      await resetMfa(deps, customer, adminActor(request));
      return { status: 'reset' };
    });

    adminDepositRoute(admin, kabuto, customerOf);

    admin.get<{ Params: { loginId: string }; Querystring: PageQuery }>(
      '/api/admin/v1/customers/:loginId/audit',
      { config: { roles: ['viewer', 'support', 'supervisor', 'security'] }, schema: { params: loginIdParams, querystring: pageQuery } },
      async (request, reply) => {
        const customer = await customerOf(request, reply);
        if (!customer) return reply;
        return auditTrail(deps, customer.id, pageOf(request.query, sequenceCursor));
      },
    );
  });
}
