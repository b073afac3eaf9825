import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { isFailure } from '../../../domain/kernel/errors.js';
import type { CustomerRecord } from '../../../domain/kernel/types.js';
import { executeWithoutApproval, requestApproval } from '../../../domain/operators/approvals.js';
import { adminCaller } from '../../admin-scope.js';
import { answer, created } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { amountSchema, body, text } from '../../schemas.js';
import { validationFailure } from '../../validation.js';

type CustomerOf = (request: FastifyRequest<{ Params: { loginId: string } }>, reply: FastifyReply) => Promise<CustomerRecord | undefined>;

/**
 * 入金 by the back office, under four eyes: an operator or a service files a request (202) that a
 * supervisor approves; the bootstrap token of development and test deposits at once (201, as v1 did).
 */
export function adminDepositRoute(admin: FastifyInstance, kabuto: Kabuto, customerOf: CustomerOf): void {
  const params = { type: 'object', properties: { loginId: text(64, 1) }, required: ['loginId'] };
  admin.post<{ Params: { loginId: string }; Body: { amount: number; reason?: string } }>(
    '/api/admin/v1/customers/:loginId/deposits',
    { config: { roles: ['support'] }, attachValidation: true, schema: { params, body: body({ amount: amountSchema, reason: text(500, 1) }, ['amount']) } },
    async (request, reply) => {
      const invalid = validationFailure(request, { amount: 'invalid_amount' });
      if (invalid) return sendFailure(request, reply, invalid);
      const customer = await customerOf(request, reply);
      if (!customer) return reply;
      const caller = adminCaller(request);
      const payload = { amount: request.body.amount };
      if (caller.bypassesFourEyes) {
        const done = await executeWithoutApproval(request.deps, kabuto.approvalKinds, caller, 'deposit', customer, payload);
        return created(request, reply, done, (result) => (isFailure(result) ? result : result.entry));
      }
      return answer(request, reply, await requestApproval(request.deps, kabuto.approvalKinds, caller, { kind: 'deposit', customer, payload, reason: request.body.reason ?? 'not given' }), (approval) => ({ status: 'pending_approval', approval }), 202);
    },
  );
}
