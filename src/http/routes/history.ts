import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { pageLimit, pageQuery } from '../schemas.js';
import { requireCustomer } from '../session.js';
import type { LoginEvent } from '../../domain/types.js';

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

  // マイページ: the sign-in before this session's, and what happened in between (wrong passwords or codes,
  // locks) — the customer's best chance to notice someone trying their account. Read-only.
  app.get('/api/v1/history/logins/summary', { preValidation }, async (request) => {
    const customerId = request.customer!.id;
    const [events, audit] = await Promise.all([deps.store.loginEvents.list(customerId, 200), deps.store.audit.listForCustomer(customerId, 100)]);
    return summariseSignIns(events, audit, request.session!.createdAt);
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/v1/history/security', { preValidation, schema: { querystring: pageQuery } }, async (request) => {
    const before = request.query.before !== undefined ? Number(request.query.before) : undefined;
    const entries = await deps.store.audit.listForCustomer(request.customer!.id, pageLimit(request.query), Number.isInteger(before) ? before : undefined);
    return entries.map((e) => ({ id: e.seq, at: new Date(e.at).toISOString(), action: e.action, actor: e.actor, detail: e.detail }));
  });
}

const FAILED = new Set(['invalid_credentials', 'second_factor_failed', 'locked']);

/**
 * The newest sign-in at or before this session was made is its own (a later one is another browser's); the
 * one after it in the list is the previous sign-in. Failures and locks between the two are counted.
 */
export function summariseSignIns(events: LoginEvent[], audit: Array<{ action: string; at: number }>, sessionCreatedAt: number) {
  const current = events.findIndex((e) => e.result === 'signed_in' && e.at <= sessionCreatedAt);
  const previousIndex = current < 0 ? -1 : events.findIndex((e, i) => i > current && e.result === 'signed_in');
  const previous = previousIndex < 0 ? null : events[previousIndex]!;
  const between = current < 0 ? [] : events.slice(current + 1, previousIndex < 0 ? events.length : previousIndex);
  const since = previous?.at ?? -Infinity;
  return {
    previous: previous && { at: new Date(previous.at).toISOString(), address: previous.address, userAgent: previous.userAgent },
    failedSince: between.filter((e) => FAILED.has(e.result)).length,
    locksSince: audit.filter((a) => a.action === 'login_locked' && a.at > since && a.at <= sessionCreatedAt).length,
  };
}
