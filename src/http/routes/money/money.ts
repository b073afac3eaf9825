import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { viewAccount } from '../../../domain/money/ledger-account.js';
import { placeOrder, type OrderRequest } from '../../../domain/money/orders.js';
import { cancelWithdrawal, requestWithdrawal, type WithdrawalCancel, type WithdrawalRequest } from '../../../domain/money/withdrawals.js';
import { answer } from '../../answer.js';
import { sendFailure } from '../../failures.js';
import { answerMovement } from '../../money-outcomes.js';
import { amountSchema, body, challengeId, enumOf, idParams, quantitySchema, secret, text } from '../../schemas.js';
import { validationFailure } from '../../validation.js';

const idempotencyKey = text(128, 1);

/** The account, orders and withdrawals (registered inside the signed-in scope; histories: routes/history). */
export function moneyRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { prices } = kabuto;

  app.get('/api/v1/account', async (request) => viewAccount(request.deps, prices, request.customer!));

  app.post<{ Body: OrderRequest }>(
    '/api/v1/orders',
    {
      attachValidation: true,
      schema: {
        body: body(
          { symbol: text(16, 1), side: enumOf('buy', 'sell'), quantity: quantitySchema, tradingPassword: secret, idempotencyKey },
          ['symbol', 'side', 'quantity', 'tradingPassword', 'idempotencyKey'],
        ),
      },
    },
    async (request, reply) => {
      const invalid = validationFailure(request, { quantity: 'invalid_quantity' });
      if (invalid) return sendFailure(request, reply, invalid);
      return answerMovement(request, reply, await placeOrder(request.deps, prices, request.customer!, request.body, { address: request.ip }));
    },
  );

  app.post<{ Body: WithdrawalRequest }>(
    '/api/v1/withdrawals',
    {
      attachValidation: true,
      schema: {
        description:
          'Under KABUTO_PHISHING_RESISTANT a withdrawal takes a passkey past its 24-hour cooling-off: while every passkey of the customer is younger, 403 `factor_cooling_off` ' +
          '(`availableAt`, `Retry-After`). A held (`pending`) withdrawal can be cancelled: POST /api/v1/withdrawals/{id}/cancel.',
        body: body({ amount: amountSchema, tradingPassword: secret, idempotencyKey, challengeId }, ['amount', 'tradingPassword', 'idempotencyKey']),
      },
    },
    async (request, reply) => {
      const invalid = validationFailure(request, { amount: 'invalid_amount' });
      if (invalid) return sendFailure(request, reply, invalid);
      return answerMovement(request, reply, await requestWithdrawal(request.deps, request.customer!, request.session!, request.body, { address: request.ip }));
    },
  );

  // 出金の取消: a withdrawal held by the cooling-off goes back to cash, once (idempotent).
  app.post<{ Params: { id: string }; Body: WithdrawalCancel }>(
    '/api/v1/withdrawals/:id/cancel',
    {
      schema: {
        summary: '出金の取消: cancel a withdrawal held by the cooling-off',
        description:
          'Only while the withdrawal is held (`pending`): the cash comes back once, however many cancels race; a repeat answers the same cancelled withdrawal. ' +
          'The trading password guards it (no second factor: nothing leaves the account). Errors: 401 `invalid_trading_password`, 423 `trading_locked`, ' +
          '404 `not_found` (unknown, or another customer’s), 409 `withdrawal_not_cancellable` (completed).',
        params: idParams,
        body: body({ tradingPassword: secret }, ['tradingPassword']),
        response: {
          200: {
            description: 'The withdrawal, now `cancelled` (also when it already was: nothing is refunded twice)',
            type: 'object',
            properties: {
              id: { type: 'string' },
              amount: { type: 'integer' },
              status: { type: 'string', enum: ['cancelled'] },
              heldUntil: { type: ['string', 'null'] },
              bankAccount: { type: 'object', properties: { last4: { type: 'string' } } },
              requestedAt: { type: 'string' },
            },
          },
        },
      },
    },
    async (request, reply) => answer(request, reply, await cancelWithdrawal(request.deps, request.customer!, request.params.id, request.body)),
  );
}
