import type { FastifyError, FastifyInstance } from 'fastify';
import { fail, OverloadedError, UnavailableError } from '../domain/kernel/errors.js';
import { sendFailure } from './failures.js';

function fieldOf(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const params = first.params as Record<string, unknown>;
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const child = (params.additionalProperty ?? params.missingProperty) as string | undefined;
  return [path, child].filter(Boolean).join('.') || undefined;
}

/** Every thrown error ends here: client errors keep their meaning, anything else is a 5xx without detail. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OverloadedError) return sendFailure(request, reply, fail('overloaded', { retryAfter: error.retryAfterSeconds }));
    // The database is unreachable, too slow or (SQLite) busy: store/database.ts types it. A client should
    // retry shortly, and no operator is paged for a 500.
    if (error instanceof UnavailableError) {
      request.log.warn({ err: error }, 'database unavailable');
      return sendFailure(request, reply, fail('overloaded', { retryAfter: error.retryAfterSeconds }));
    }
    if (error.validation) {
      const first = error.validation[0];
      const reason = first?.keyword === 'additionalProperties' ? 'unknown field' : first?.message ?? 'invalid';
      return sendFailure(request, reply, fail('invalid_request', { field: fieldOf(error), reason }));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendFailure(request, reply, fail('unsupported_media_type'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendFailure(request, reply, fail('payload_too_large'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendFailure(request, reply, fail('invalid_request', { reason: 'body is not valid JSON' }));
    }
    if (error instanceof SyntaxError || error.statusCode === 400) return sendFailure(request, reply, fail('invalid_request', { reason: 'malformed request' }));
    if (error.statusCode === 413) return sendFailure(request, reply, fail('payload_too_large'));
    if (error.statusCode === 415) return sendFailure(request, reply, fail('unsupported_media_type'));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return sendFailure(request, reply, fail('invalid_request', { reason: error.message }));
    request.log.error({ err: error }, 'request failed');
    return sendFailure(request, reply, fail('internal_error'));
  });
}
