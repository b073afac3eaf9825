import type { FastifyRequest } from 'fastify';
import { fail, type ErrorCode, type Failure } from '../domain/kernel/errors.js';

/**
 * For a route with `attachValidation`: a bad amount or quantity (a string, a fraction, zero, negative,
 * beyond the ceiling) answers the contract's own code; any other schema error stays `invalid_request`
 * with the field named.
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
