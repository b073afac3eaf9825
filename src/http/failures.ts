import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode, Failure } from '../domain/kernel/errors.js';
import { ERROR_TABLE } from './error-table.js';

export type Language = 'ja' | 'en';

/** Japanese unless the client prefers English (Accept-Language). */
export function languageOf(request: FastifyRequest): Language {
  const header = request.headers['accept-language'];
  if (typeof header !== 'string') return 'ja';
  let best: { lang: Language; q: number } = { lang: 'ja', q: -1 };
  for (const part of header.split(',').slice(0, 20)) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
    const lang = tag?.startsWith('en') ? 'en' : tag?.startsWith('ja') ? 'ja' : undefined;
    if (lang && q > best.q) best = { lang, q };
  }
  return best.lang;
}

export function errorBody(request: FastifyRequest, code: ErrorCode, fields: Record<string, unknown> = {}) {
  const entry = ERROR_TABLE[code];
  return { error: code, message: entry[languageOf(request)], ...fields, requestId: request.id };
}

/** The one way a failure leaves the server: the table's status, the contract's body. */
export function sendFailure(request: FastifyRequest, reply: FastifyReply, failure: Failure): FastifyReply {
  const { status } = ERROR_TABLE[failure.code];
  const retryAfter = 'retryAfter' in failure.fields ? failure.fields.retryAfter : undefined;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(status).send(errorBody(request, failure.code, failure.fields));
}
