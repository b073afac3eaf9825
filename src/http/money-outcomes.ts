import type { FastifyReply, FastifyRequest } from 'fastify';
import { isFailure } from '../domain/kernel/errors.js';
import type { MovementOutcome } from '../domain/money/ledger-keys.js';
import { languageOf, sendFailure } from './failures.js';

// The HTTP answer of a money movement. The domain says what happened; the status is chosen here.

const PAST_REFUSAL = {
  ja: 'この依頼は最初の受付時にお受けできませんでした。',
  en: 'This request was refused when it was first made.',
};

function isHeld(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'held';
}

/**
 * 201 with the movement's view, or the refusal's status from the error table. A refusal a key stored
 * under a code this version no longer has (renamed since) is answered as it first was: every refusal
 * a key ever stored (not enough cash or shares) was a 400, with its code and fields.
 */
export function answerMovement(request: FastifyRequest, reply: FastifyReply, outcome: MovementOutcome<unknown>): FastifyReply {
  if (isFailure(outcome)) return sendFailure(request, reply, outcome);
  // Held by the risk engine: accepted, not carried out (it waits for the customer's passkey or an operator).
  if (outcome.kind === 'done') return reply.code(isHeld(outcome.body) ? 202 : 201).send(outcome.body);
  return reply.code(400).send({ ...outcome.fields, error: outcome.code, message: PAST_REFUSAL[languageOf(request)], requestId: request.id });
}
