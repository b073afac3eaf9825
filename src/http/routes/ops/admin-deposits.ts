import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { depositCash, viewEntry } from '../../../domain/money/ledger.js';
import type { CustomerRecord } from '../../../domain/kernel/types.js';
import { adminActor } from '../../admin-scope.js';
import { created } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { amountSchema, body, text } from '../../schemas.js';
import { validationFailure } from '../../validation.js';

type CustomerOf = (request: FastifyRequest<{ Params: { loginId: string } }>, reply: FastifyReply) => Promise<CustomerRecord | undefined>;

/** 入金 by the back office: registered inside the admin plugin, behind its bearer token. */
export function adminDepositRoute(admin: FastifyInstance, kabuto: Kabuto, customerOf: CustomerOf): void {
  const params = { type: 'object', properties: { loginId: text(64, 1) }, required: ['loginId'] };
  admin.post<{ Params: { loginId: string }; Body: { amount: number } }>(
    '/api/admin/v1/customers/:loginId/deposits',
    { config: { roles: ['support'] }, attachValidation: true, schema: { params, body: body({ amount: amountSchema }, ['amount']) } },
    async (request, reply) => {
      const invalid = validationFailure(request, { amount: 'invalid_amount' });
      if (invalid) return sendFailure(request, reply, invalid);
      const customer = await customerOf(request, reply);
      if (!customer) return reply;
      return created(request, reply, await depositCash(kabuto.deps, customer.id, request.body.amount, 'deposit', adminActor(request)), viewEntry);
    },
  );
}
