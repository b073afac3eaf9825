import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { findCustomer } from '../../../domain/customers/lookup.js';
import { fail } from '../../../domain/kernel/errors.js';
import type { HoldStatus, RiskOperation } from '../../../domain/kernel/risk-store.js';
import { releaseHold, rejectHold } from '../../../domain/money/risk-holds.js';
import { requestHoldRelease } from '../../../domain/operators/desk-actions.js';
import { findDecision, listDecisions, listHolds, viewHoldForOperator, viewPolicy } from '../../../domain/risk/explain.js';
import { adminActor, adminCaller, adminScope } from '../../admin-scope.js';
import { answer } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { body, digits, enumOf, idParams, queryNumber, text } from '../../schemas.js';

const READERS = ['viewer', 'support', 'supervisor', 'security'] as const;
const limit = digits(3, 'At most this many (1–200, default 50).');
const limitOf = (raw: string | undefined) => queryNumber(raw, 50, 1, 200);
const decisionQuery = {
  type: 'object',
  properties: { loginId: text(64, 1), rule: text(64, 1), operation: enumOf('sign_in', 'order', 'withdrawal'), limit },
  additionalProperties: false,
};
const holdQuery = { type: 'object', properties: { status: enumOf('held', 'released', 'rejected'), loginId: text(64, 1), limit }, additionalProperties: false };
const decisionParams = { type: 'object', properties: { id: text(64, 1) }, required: ['id'] };

/**
 * The risk engine's back office (docs/risk.md): every decision explained (by customer, by rule), the held
 * orders and withdrawals, release and reject (the security role), and the policy in force.
 */
export function adminRiskRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { prices } = kabuto;
  const customerIdOf = async (loginId: string | undefined) => (loginId === undefined ? null : ((await findCustomer(kabuto.deps, loginId))?.id ?? undefined));

  adminScope(app, kabuto, (admin) => {
    admin.get<{ Querystring: { loginId?: string; rule?: string; operation?: RiskOperation; limit?: string } }>(
      '/api/admin/v1/risk/decisions',
      { config: { roles: [...READERS] }, schema: { querystring: decisionQuery } },
      async (request, reply) => {
        const { loginId, rule, operation } = request.query;
        const customerId = await customerIdOf(loginId);
        if (customerId === undefined) return sendFailure(request, reply, fail('not_found'));
        return listDecisions(request.deps, { ...(customerId ? { customerId } : {}), ...(rule ? { rule } : {}), ...(operation ? { operation } : {}), limit: limitOf(request.query.limit) });
      },
    );

    admin.get<{ Params: { id: string } }>('/api/admin/v1/risk/decisions/:id', { config: { roles: [...READERS] }, schema: { params: decisionParams } }, async (request, reply) =>
      answer(request, reply, (await findDecision(request.deps, request.params.id)) ?? fail('not_found')),
    );

    admin.get<{ Querystring: { status?: HoldStatus; loginId?: string; limit?: string } }>(
      '/api/admin/v1/risk/holds',
      { config: { roles: [...READERS] }, schema: { querystring: holdQuery } },
      async (request, reply) => {
        const customerId = await customerIdOf(request.query.loginId);
        if (customerId === undefined) return sendFailure(request, reply, fail('not_found'));
        return listHolds(request.deps, { ...(request.query.status ? { status: request.query.status } : {}), ...(customerId ? { customerId } : {}), limit: limitOf(request.query.limit) });
      },
    );

    // Four eyes (docs/operators.md): a security operator or service files a request (202) that another
    // security operator approves; the bootstrap token of development and test releases at once (200, as before).
    admin.post<{ Params: { id: string }; Body: { reason?: string } }>(
      '/api/admin/v1/risk/holds/:id/release',
      { config: { roles: ['security'] }, schema: { params: idParams, body: body({ reason: text(500, 1) }) } },
      async (request, reply) => {
        const caller = adminCaller(request);
        if (caller.bypassesFourEyes) return answer(request, reply, await releaseHold(request.deps, prices, request.params.id, adminActor(request)), (hold) => viewHoldForOperator(hold, undefined));
        return answer(request, reply, await requestHoldRelease(request.deps, kabuto.approvalKinds, caller, request.params.id, request.body.reason ?? 'not given'), (approval) => ({ status: 'pending_approval', approval }), 202);
      },
    );

    admin.post<{ Params: { id: string } }>('/api/admin/v1/risk/holds/:id/reject', { config: { roles: ['security'] }, schema: { params: idParams, body: body({}) } }, async (request, reply) =>
      answer(request, reply, await rejectHold(request.deps, request.params.id, adminActor(request)), (hold) => viewHoldForOperator(hold, undefined)),
    );

    admin.get('/api/admin/v1/risk/policy', { config: { roles: [...READERS] } }, async (request) => viewPolicy(request.deps));
  });
}
