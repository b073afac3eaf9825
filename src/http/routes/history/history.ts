import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { securityHistory } from '../../../domain/customers/audit-trail.js';
import { cashHistory, orderHistory } from '../../../domain/money/history.js';
import { signInHistory } from '../../../domain/sign-in/history.js';
import { signInSummary } from '../../../domain/sign-in/summary.js';
import { answer } from '../../answer.js';
import { idCursor, pageOf, pageQuery, sequenceCursor, timeCursor, type PageQuery } from '../../pages.js';

/**
 * Every history of the customer, newest first, paged alike (`?limit=&before=`, src/http/pages.ts): what a
 * customer checks to notice foul play (ログイン履歴, セキュリティ履歴) and 入出金履歴, 注文履歴.
 * Registered inside the signed-in scope.
 */
export function historyRoutes(app: FastifyInstance, _kabuto: Kabuto): void {
  const paged = { schema: { querystring: pageQuery } };

  app.get<{ Querystring: PageQuery }>('/api/v1/history/logins', paged, async (request) => signInHistory(request.deps, request.customer!.id, pageOf(request.query, timeCursor)));

  // マイページ: the previous sign-in and the failures and locks since (src/domain/sign-in/summary.ts).
  app.get('/api/v1/history/logins/summary', async (request) => signInSummary(request.deps, request.customer!.id, request.session!.createdAt));

  app.get<{ Querystring: PageQuery }>('/api/v1/history/security', paged, async (request) => securityHistory(request.deps, request.customer!.id, pageOf(request.query, sequenceCursor)));

  // `before` is the last entry's id (cash) or the last order's id (orders) of the previous page.
  app.get<{ Querystring: PageQuery }>('/api/v1/history/cash', paged, async (request) => cashHistory(request.deps, request.customer!.id, pageOf(request.query, sequenceCursor)));

  app.get<{ Querystring: PageQuery }>('/api/v1/history/orders', paged, async (request, reply) =>
    answer(request, reply, await orderHistory(request.deps, request.customer!.id, pageOf(request.query, idCursor))),
  );
}
