import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { pageLimit, pageQuery } from '../schemas.js';
import { requireCustomer } from '../session.js';
import { signInSummary } from '../../domain/sign-in/summary.js';

/** ログイン履歴 and セキュリティ履歴: what a customer checks to notice foul play. Newest first. */
export function historyRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps } = kabuto;
  // Authentication before validation: a stranger learns nothing about a route from its 400s.
  const preValidation = requireCustomer(deps);

  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/v1/history/logins', { preValidation, schema: { querystring: pageQuery } }, async (request) => {
    const before = request.query.before ? Date.parse(request.query.before) : undefined;
    const events = await deps.store.loginEvents.list(request.customer!.id, pageLimit(request.query), Number.isNaN(before) ? undefined : before);
    return events.map((e) => ({ at: new Date(e.at).toISOString(), address: e.address, userAgent: e.userAgent, result: e.result }));
  });

  // マイページ: the previous sign-in and the failures and locks since (src/domain/sign-in/summary.ts).
  app.get('/api/v1/history/logins/summary', { preValidation }, async (request) => signInSummary(deps, request.customer!.id, request.session!.createdAt));

  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/v1/history/security', { preValidation, schema: { querystring: pageQuery } }, async (request) => {
    const before = request.query.before !== undefined ? Number(request.query.before) : undefined;
    const entries = await deps.store.audit.listForCustomer(request.customer!.id, pageLimit(request.query), Number.isInteger(before) ? before : undefined);
    return entries.map((e) => ({ id: e.seq, at: new Date(e.at).toISOString(), action: e.action, actor: e.actor, detail: e.detail }));
  });
}

