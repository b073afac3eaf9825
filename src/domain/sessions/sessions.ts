import { createHash, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { recordAudit } from '../kernel/audit.js';
import { withinTransaction } from '../kernel/notices.js';
import type { SessionRecord } from '../kernel/types.js';

// A session token is `id.secret`; only a hash of the secret is stored, so a copy of the database
// cannot be replayed as a cookie (the Lucia pattern).

const TOUCH_INTERVAL_MS = 60_000;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * The stored hash against the presented secret's, compared in constant time. Both are SHA-256
 * digests, so their lengths are equal and public: no HMAC round (constantTimeEqual's) is needed,
 * which was 5 % of a signed-in read's CPU in the bench.
 */
function secretMatches(storedHash: string, secret: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const presented = createHash('sha256').update(secret).digest();
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** A fresh `id.secret` token, and what the store keeps of it. */
function mintToken(deps: Pick<Deps, 'random'>): { id: string; secretHash: string; token: string } {
  const id = newId(deps.random, 16);
  const secret = newId(deps.random, 32);
  return { id, secretHash: hashSecret(secret), token: `${id}.${secret}` };
}

/**
 * A new session. `credentialVersion` is the customer's version as read together with the password
 * hash that was checked (or the passkey's customer): if a credential change committed meanwhile, the
 * session is born stale and resolution refuses it.
 */
export async function createSession(
  deps: Pick<Deps, 'store' | 'clock' | 'random'>,
  customer: { id: string; credentialVersion: number },
  client: { address: string; userAgent: string },
  amr: readonly string[] = ['pwd'],
): Promise<{ token: string; session: SessionRecord }> {
  const { id, secretHash, token } = mintToken(deps);
  const now = deps.clock.now();
  const session: SessionRecord = {
    id,
    secretHash,
    customerId: customer.id,
    createdAt: now,
    lastSeenAt: now,
    address: client.address,
    userAgent: client.userAgent.slice(0, 512),
    credentialVersion: customer.credentialVersion,
    lineageId: id,
    amr: amr.join(' '),
  };
  await deps.store.sessions.insert(session);
  return { token, session };
}

/** The live session behind a token, or undefined: unknown, wrong secret, idle or past its absolute limit. */
export async function resolveSession(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, token: string | undefined): Promise<SessionRecord | undefined> {
  if (!token || token.length > 200) return undefined;
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined) return undefined;
  const found = await deps.store.sessions.findById(id);
  if (!found || !secretMatches(found.secretHash, secret)) return undefined;
  const { customerCredentialVersion, ...session } = found;
  const now = deps.clock.now();
  const stale = session.credentialVersion < customerCredentialVersion;
  if (stale || now - session.lastSeenAt >= deps.policy.sessionIdleMs || now - session.createdAt >= deps.policy.sessionAbsoluteMs) {
    await deps.store.sessions.delete(id);
    return undefined;
  }
  // Touch at most once a minute: a write per request would cost more than the request.
  if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) await deps.store.sessions.touch(id, now);
  return session;
}

export async function endSession(deps: Pick<Deps, 'store'>, sessionId: string): Promise<void> {
  await deps.store.sessions.delete(sessionId);
}

/** ログアウト: the session ends, audited with it (the event feed's `session.ended`). */
export async function signOut(deps: Pick<Deps, 'store' | 'clock'>, session: SessionRecord): Promise<void> {
  await withinTransaction(deps, async (deps) => {
    await deps.store.sessions.delete(session.id);
    await recordAudit(deps, session.customerId, 'signed_out', { reason: 'sign_out' });
  });
}

/**
 * A new token for the same session after a step-up: whoever may have copied the old cookie loses
 * it at the moment the customer proves the second factor. The absolute lifetime is kept.
 */
export async function rotateSession(deps: Pick<Deps, 'store' | 'clock' | 'random'>, current: SessionRecord): Promise<{ token: string }> {
  const { id, secretHash, token } = mintToken(deps);
  await deps.store.sessions.insert({ ...current, id, secretHash, lastSeenAt: deps.clock.now() });
  await deps.store.sessions.delete(current.id);
  return { token };
}

/**
 * A credential changed: the customer's credential version moves on, every other session ends
 * (including one a racing sign-in opens later: it carries the old version), and the current one
 * gets a fresh token on the new version.
 */
export async function rotateAfterCredentialChange(deps: Pick<Deps, 'store' | 'clock' | 'random'>, current: SessionRecord): Promise<{ token: string }> {
  const credentialVersion = await deps.store.sessions.revokeOtherSessions(current.customerId, current.id);
  return rotateSession(deps, { ...current, credentialVersion });
}

/**
 * A contact or factor changed (phone, e-mail, a passkey, an app, recovery codes): the other
 * sessions end, as at a password change; the current one keeps its token.
 */
export async function endOtherSessions(deps: Pick<Deps, 'store'>, current: SessionRecord): Promise<void> {
  await deps.store.sessions.revokeOtherSessions(current.customerId, current.id);
}

/** An operator's reset (or a freeze): every session of the customer ends, racing sign-ins too. */
export async function endAllSessions(deps: Pick<Deps, 'store'>, customerId: string): Promise<void> {
  await deps.store.sessions.revokeOtherSessions(customerId, null);
}
