import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { isFailure } from '../../domain/kernel/errors.js';
import { depositCash, viewEntry } from '../../domain/money/ledger.js';
import type { CustomerRecord } from '../../domain/kernel/types.js';
import { sendFailure } from '../failures.js';
import { body, text } from '../schemas.js';
import { amountSchema, validationFailure } from './money.js';

type CustomerOf = (request: FastifyRequest<{ Params: { loginId: string } }>, reply: FastifyReply) => Promise<CustomerRecord | undefined>;

/** 入金 by the back office: registered inside the admin plugin, behind its bearer token. */
export function adminDepositRoute(admin: FastifyInstance, kabuto: Kabuto, customerOf: CustomerOf): void {
  const params = { type: 'object', properties: { loginId: text(64, 1) }, required: ['loginId'] };
  admin.post<{ Params: { loginId: string }; Body: { amount: number } }>(
    '/api/admin/v1/customers/:loginId/deposits',
    { attachValidation: true, schema: { params, body: body({ amount: amountSchema }, ['amount']) } },
    async (request, reply) => {
      const invalid = validationFailure(request, { amount: 'invalid_amount' });
      if (invalid) return sendFailure(request, reply, invalid);
      const customer = await customerOf(request, reply);
      if (!customer) return reply;
      const entry = await depositCash(kabuto.deps, customer.id, request.body.amount, 'deposit', 'admin');
      if (isFailure(entry)) return sendFailure(request, reply, entry);
      return reply.code(201).send(viewEntry(entry));
    },
  );
}
