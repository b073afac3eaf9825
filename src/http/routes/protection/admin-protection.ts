import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { findCustomer } from '../../../domain/customers/lookup.js';
import { fail } from '../../../domain/kernel/errors.js';
import { unfreeze, viewFreeze, type FreezeLevel } from '../../../domain/protection/freeze.js';
import { listAlerts } from '../../../domain/protection/alerts.js';
import { adminActor, adminCaller, adminScope } from '../../admin-scope.js';
import { requestUnfreeze } from '../../../domain/operators/desk-actions.js';
import { answer } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { body, digits, queryNumber, text } from '../../schemas.js';
import { levelsSchema } from './protection.js';

const loginIdParams = { type: 'object', properties: { loginId: text(64, 1) }, required: ['loginId'] };
const alertsQuery = { type: 'object', properties: { limit: digits(3, 'At most this many (1–200, default 50).'), before: text(64, 1) }, additionalProperties: false };

/** The back office's side of the customer's defences: a freeze's state and its lift, the alerts (behind adminScope). */
export function adminProtectionRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  adminScope(app, kabuto, (admin) => {
    admin.get<{ Params: { loginId: string } }>('/api/admin/v1/customers/:loginId/freeze', { config: { roles: ['viewer', 'support', 'supervisor', 'security'] }, schema: { params: loginIdParams } }, async (request, reply) => {
      const customer = await findCustomer(request.deps, request.params.loginId);
      if (!customer) return sendFailure(request, reply, fail('not_found'));
      return viewFreeze(request.deps, customer);
    });

    // A customer without a passkey: lifted after a fresh identity check, named with the reason — four eyes
    // (docs/operators.md): the operator's request (202) runs once a second supervisor or security operator
    // approves it; the bootstrap token of development and test lifts at once.
    admin.post<{ Params: { loginId: string }; Body: { levels: FreezeLevel[]; reason: string; identityCheck: string } }>(
      '/api/admin/v1/customers/:loginId/unfreeze',
      { config: { roles: ['supervisor', 'security'] }, schema: { params: loginIdParams, body: body({ levels: levelsSchema, reason: text(500, 1), identityCheck: text(200, 1) }, ['levels', 'reason', 'identityCheck']) } },
      async (request, reply) => {
        const customer = await findCustomer(request.deps, request.params.loginId);
        if (!customer) return sendFailure(request, reply, fail('not_found'));
        const { levels, reason, identityCheck } = request.body;
        const caller = adminCaller(request);
        if (caller.bypassesFourEyes) return answer(request, reply, await unfreeze(request.deps, customer, { by: 'operator', levels, reason, identityCheck, actor: adminActor(request) }));
        return answer(request, reply, await requestUnfreeze(request.deps, kabuto.approvalKinds, caller, customer, { levels, reason, identityCheck }), (approval) => ({ status: 'pending_approval', approval }), 202);
      },
    );

    admin.get<{ Querystring: { limit?: string; before?: string } }>('/api/admin/v1/alerts', { config: { roles: ['viewer', 'support', 'supervisor', 'security'] }, schema: { querystring: alertsQuery } }, async (request) =>
      listAlerts(request.deps, queryNumber(request.query.limit, 50, 1, 200), request.query.before),
    );
  });
}
