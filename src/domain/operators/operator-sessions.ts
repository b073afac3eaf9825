import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import type { OperatorRecord, OperatorSessionRecord } from '../kernel/operator-store.js';
import { hashTokenSecret, tokenSecretMatches } from './operators.js';

// Console sessions: the customers' session machinery (src/domain/sessions/sessions.ts) for operators.
// The token is `id.secret` and only a hash of the secret is stored; idle and absolute limits (shorter
// than customers'); revocation deletes the row (sign-out, an operator disabled).

const TOUCH_INTERVAL_MS = 60_000;

export async function createOperatorSession(
  deps: Pick<Deps, 'store' | 'clock' | 'random'>,
  operator: OperatorRecord,
  client: { address: string; userAgent: string },
): Promise<{ token: string; session: OperatorSessionRecord }> {
  const id = newId(deps.random, 16);
  const secret = newId(deps.random, 32);
  const now = deps.clock.now();
  const session: OperatorSessionRecord = { id, secretHash: hashTokenSecret(secret), operatorId: operator.id, createdAt: now, lastSeenAt: now, address: client.address, userAgent: client.userAgent.slice(0, 512) };
  await deps.store.operators.insertSession(session);
  return { token: `${id}.${secret}`, session };
}

/** The live session and its operator behind a token, or undefined: unknown, wrong secret, idle, too old, operator disabled. */
export async function resolveOperatorSession(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, token: string | undefined): Promise<{ session: OperatorSessionRecord; operator: OperatorRecord } | undefined> {
  if (!token || token.length > 200) return undefined;
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined) return undefined;
  const session = await deps.store.operators.findSession(id);
  if (!session || !tokenSecretMatches(session.secretHash, secret)) return undefined;
  const now = deps.clock.now();
  const operator = await deps.store.operators.findOperator(session.operatorId);
  if (!operator || operator.disabledAt !== null || now - session.lastSeenAt >= deps.policy.operatorSessionIdleMs || now - session.createdAt >= deps.policy.operatorSessionAbsoluteMs) {
    await deps.store.operators.deleteSession(id);
    return undefined;
  }
  if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) await deps.store.operators.touchSession(id, now);
  return { session, operator };
}

export async function endOperatorSession(deps: Pick<Deps, 'store'>, sessionId: string): Promise<void> {
  await deps.store.operators.deleteSession(sessionId);
}
