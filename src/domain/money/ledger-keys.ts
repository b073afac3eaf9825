import type { Deps } from '../kernel/context.js';
import { canonicalJson, hmacHex } from '../kernel/crypto.js';
import { fail, failureOf, type Failure } from '../kernel/errors.js';
import type { IdempotencyRecord, StoredOutcome } from '../kernel/money-store.js';

// Idempotency keys: a key belongs to one customer and one request content. The hash covers the
// operation and its content — never the trading password or the challenge, so the repeat that adds
// `challengeId` (api.md) is the same request.

/** A movement made: its view. */
export interface Done<T = unknown> {
  kind: 'done';
  body: T;
}

/**
 * A refusal a key stored under a code this version no longer has (renamed since): its code and fields
 * as first answered, for the HTTP layer to answer again.
 */
export interface PastRefusal {
  kind: 'refused';
  code: string;
  fields: Record<string, unknown>;
}

/** What a money request comes to: the movement made, a refusal, or a stored refusal of an earlier version. */
export type MovementOutcome<T> = Done<T> | Failure | PastRefusal;

export function requestHash(deps: Pick<Deps, 'secrets'>, operation: 'withdrawal' | 'order', content: Record<string, unknown>): string {
  return hmacHex(deps.secrets.codeKey, `idempotency:${operation}:${canonicalJson(content)}`);
}

/** The first result again, or 422 when the key was used for other content. */
export function replay<T>(previous: IdempotencyRecord, hash: string): MovementOutcome<T> {
  if (previous.requestHash !== hash) return fail('idempotency_key_reused');
  // The body is the view this operation stored with the key.
  return outcomeOf(previous.outcome) as MovementOutcome<T>;
}

export function outcomeOf(outcome: StoredOutcome): MovementOutcome<unknown> {
  if (outcome.kind === 'done') return { kind: 'done', body: outcome.body };
  const fields = outcome.fields ?? {};
  return failureOf(outcome.code, fields) ?? { kind: 'refused', code: outcome.code, fields };
}
