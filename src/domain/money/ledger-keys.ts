import type { Deps } from '../kernel/context.js';
import { canonicalJson, hmacHex } from '../kernel/crypto.js';
import { fail, type ErrorCode, type Failure } from '../kernel/errors.js';
import type { IdempotencyRecord, StoredOutcome } from '../kernel/money-store.js';

// Idempotency keys: a key belongs to one customer and one request content. The hash covers the
// operation and its content — never the trading password or the challenge, so the repeat that adds
// `challengeId` (api.md) is the same request.

export interface Created<T = unknown> {
  status: 201;
  body: T;
}

export function requestHash(deps: Deps, operation: 'withdrawal' | 'order', content: Record<string, unknown>): string {
  return hmacHex(deps.secrets.codeKey, `idempotency:${operation}:${canonicalJson(content)}`);
}

/** The first result again, or 422 when the key was used for other content. */
export function replay(previous: IdempotencyRecord, hash: string): Created | Failure {
  if (previous.requestHash !== hash) return fail('idempotency_key_reused');
  return outcomeOf(previous.outcome);
}

export function outcomeOf(outcome: StoredOutcome): Created | Failure {
  if (outcome.status === 201) return { status: 201, body: outcome.body };
  return fail(outcome.error as ErrorCode, outcome.fields ?? {});
}
