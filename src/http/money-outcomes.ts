import type { FastifyReply, FastifyRequest } from 'fastify';
import { isFailure } from '../domain/kernel/errors.js';
import type { MovementOutcome } from '../domain/money/ledger-keys.js';
import { languageOf, sendFailure } from './failures.js';

// The HTTP answer of a money movement. The domain says what happened; the status is chosen here.

const PAST_REFUSAL = {
  ja: 'この依頼は最初の受付時にお受けできませんでした。',
  en: 'This request was refused when it was first made.',
};

/**
 * 201 with the movement's view, or the refusal's status from the error table. A refusal a key stored
 * under a code this version no longer has (renamed since) is answered as it first was: every refusal
 * a key ever stored (not enough cash or shares) was a 400, with its code and fields.
 */
export function answerMovement(request: FastifyRequest, reply: FastifyReply, outcome: MovementOutcome<unknown>): FastifyReply {
  if (isFailure(outcome)) return sendFailure(request, reply, outcome);
  if (outcome.kind === 'done') return reply.code(201).send(outcome.body);
  return reply.code(400).send({ ...outcome.fields, error: outcome.code, message: PAST_REFUSAL[languageOf(request)], requestId: request.id });
}
