import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { confirmHold, listOwnHolds, startHoldConfirmation } from '../../../domain/money/risk-holds.js';
import { heldView } from '../../../domain/money/risk-checks.js';
import { answer } from '../../answer.js';
import { relyingPartyOf } from '../../relying-party.js';
import { body, idParams } from '../../schemas.js';

/**
 * The customer's side of the risk engine's holds (signed-in scope): the held orders and withdrawals with
 * the plain reason, and confirming one with a passkey past its cooling-off (it then runs).
 */
export function holdRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { prices, config } = kabuto;

  app.get('/api/v1/holds', async (request) => listOwnHolds(request.deps, request.customer!));

  app.post<{ Params: { id: string } }>('/api/v1/holds/:id/passkey-options', { schema: { params: idParams, body: body({}) } }, async (request, reply) =>
    answer(request, reply, await startHoldConfirmation(request.deps, relyingPartyOf(request, config), request.customer!, request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: { response: unknown } }>(
    '/api/v1/holds/:id/confirm',
    { schema: { params: idParams, body: body({ response: { type: 'object' } }, ['response']) } },
    async (request, reply) =>
      answer(request, reply, await confirmHold(request.deps, prices, relyingPartyOf(request, config), request.customer!, request.params.id, request.body.response), (hold) => ({
        ...heldView(hold),
        status: hold.status,
        result: hold.result,
      })),
  );
}
