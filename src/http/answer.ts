import type { FastifyReply, FastifyRequest } from 'fastify';
import { isFailure, type Failure } from '../domain/kernel/errors.js';
import { sendFailure } from './failures.js';

/**
 * The one way a route answers a domain result: a Failure through the error table (sendFailure), a
 * success as the route chooses. `view` makes the body (it may set a cookie first, or find a Failure
 * late, which is answered the same way); without it the result is the body. 200 unless `status` says.
 */
export async function answer<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  result: T | Failure,
  view?: (value: T) => unknown,
  status = 200,
): Promise<FastifyReply> {
  if (isFailure(result)) return sendFailure(request, reply, result);
  const body = view ? await view(result) : result;
  if (isFailure(body)) return sendFailure(request, reply, body);
  return reply.code(status).send(body);
}

/** `answer` for a route that creates something: 201 Created. */
export function created<T>(request: FastifyRequest, reply: FastifyReply, result: T | Failure, view?: (value: T) => unknown): Promise<FastifyReply> {
  return answer(request, reply, result, view, 201);
}
