import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { hmacHex } from '../../domain/kernel/crypto.js';
import { fail, isFailure, type ErrorCode, type Failure } from '../../domain/kernel/errors.js';
import { createPriceFeed } from '../../domain/money/instruments.js';
import { viewAccount, viewInstruments } from '../../domain/money/ledger-account.js';
import { MAX_AMOUNT, MAX_QUANTITY, viewEntry } from '../../domain/money/ledger.js';
import { placeOrder, viewOrder, type OrderRequest } from '../../domain/money/orders.js';
import { cancelWithdrawal, requestWithdrawal, type WithdrawalCancel, type WithdrawalRequest } from '../../domain/money/withdrawals.js';
import { sendFailure } from '../failures.js';
import { answerMovement } from '../money-outcomes.js';
import { body, challengeId, enumOf, idParams, pageLimit, pageQuery, secret, text } from '../schemas.js';
import { requireCustomer } from '../session.js';

export const amountSchema = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT };
const quantitySchema = { type: 'integer', minimum: 1, maximum: MAX_QUANTITY };
const idempotencyKey = text(128, 1);

/**
 * A bad amount or quantity (a string, a fraction, zero, negative, beyond the ceiling) answers the
 * contract's own code; any other schema error stays `invalid_request` with the field named.
 */
export function validationFailure(request: FastifyRequest, codes: Record<string, ErrorCode>): Failure | undefined {
  const first = request.validationError?.validation?.[0];
  if (!request.validationError) return undefined;
  if (!first) return fail('invalid_request', { reason: 'malformed request' });
  const field = first.instancePath.replace(/^\//, '');
  if (field && codes[field]) return fail(codes[field], { field });
  const params = first.params as Record<string, unknown>;
  const child = (params.additionalProperty ?? params.missingProperty) as string | undefined;
  const reason = first.keyword === 'additionalProperties' ? 'unknown field' : first.message ?? 'invalid';
  return fail('invalid_request', { field: [field, child].filter(Boolean).join('.') || undefined, reason });
}

export function moneyRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps } = kabuto;
  // Authentication before validation: a stranger learns nothing about a route from its 400s.
  const preValidation = requireCustomer(deps);
  // Seeded from the master secret: every process of one installation quotes the same price.
  const prices = createPriceFeed({ clock: deps.clock, seed: Buffer.from(hmacHex(deps.secrets.codeKey, 'price-feed'), 'hex') });

  app.get('/api/v1/instruments', async () => viewInstruments(prices));
  app.get('/api/v1/account', { preValidation }, async (request) => viewAccount(deps, prices, request.customer!));

  app.post<{ Body: OrderRequest }>(
    '/api/v1/orders',
    {
      preValidation,
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
      return answerMovement(request, reply, await placeOrder(deps, prices, request.customer!, request.body));
    },
  );

  app.post<{ Body: WithdrawalRequest }>(
    '/api/v1/withdrawals',
    {
      preValidation,
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
      return answerMovement(request, reply, await requestWithdrawal(deps, request.customer!, request.session!, request.body));
    },
  );

  // 出金の取消: a withdrawal held by the cooling-off goes back to cash, once (idempotent).
  app.post<{ Params: { id: string }; Body: WithdrawalCancel }>(
    '/api/v1/withdrawals/:id/cancel',
    {
      preValidation,
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
    async (request, reply) => {
      const result = await cancelWithdrawal(deps, request.customer!, request.params.id, request.body);
      return isFailure(result) ? sendFailure(request, reply, result) : result;
    },
  );

  // 入出金履歴 and 注文履歴, newest first; `before` is the last id of the previous page.
  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/v1/history/cash', { preValidation, schema: { querystring: pageQuery } }, async (request) => {
    const before = request.query.before !== undefined ? Number(request.query.before) : undefined;
    const entries = await deps.store.money.listEntries(request.customer!.id, pageLimit(request.query), Number.isSafeInteger(before) ? before : undefined);
    return entries.map(viewEntry);
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/v1/history/orders', { preValidation, schema: { querystring: pageQuery } }, async (request, reply) => {
    const customerId = request.customer!.id;
    const cursor = request.query.before !== undefined ? await deps.store.money.findOrder(customerId, request.query.before) : undefined;
    if (request.query.before !== undefined && !cursor) return sendFailure(request, reply, fail('invalid_request', { field: 'before', reason: 'unknown order id' }));
    const orders = await deps.store.money.listOrders(customerId, pageLimit(request.query), cursor?.seq);
    return orders.map(viewOrder);
  });
}
