import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import type { ServiceTokenRecord } from '../kernel/operator-store.js';
import { hashTokenSecret, parseRoles, tokenSecretMatches, type OperatorCaller } from './operators.js';

// Automation keeps tokens: one per service, scoped to roles, expiring, revocable, stored as a hash.
// `kst_<id>.<secret>`, printed once by `kabuto operators token create`.

export const TOKEN_PREFIX = 'kst_';
const MAX_DAYS = 366;

export async function createServiceToken(
  deps: Pick<Deps, 'store' | 'clock' | 'random'>,
  input: { name: string; roles: string; days: number },
  actor: string,
): Promise<{ token: string; record: ServiceTokenRecord } | Failure> {
  const roles = parseRoles(input.roles);
  if (!Array.isArray(roles)) return roles;
  const name = input.name.trim();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) return fail('invalid_request', { field: 'name', reason: '1-64 letters, digits, . _ -' });
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_DAYS) return fail('invalid_request', { field: 'days', reason: `1-${MAX_DAYS}` });
  const id = newId(deps.random, 9);
  const secret = newId(deps.random, 32);
  const now = deps.clock.now();
  const record: ServiceTokenRecord = { id, name, secretHash: hashTokenSecret(secret), roles, createdAt: now, expiresAt: now + input.days * 86_400_000, revokedAt: null, lastUsedAt: null };
  await deps.store.operators.insertToken(record);
  await recordAudit(deps, null, 'service_token_created', { token: id, name, roles, expiresAt: new Date(record.expiresAt).toISOString() }, actor);
  return { token: `${TOKEN_PREFIX}${id}.${secret}`, record };
}

/** The caller a presented service token names, or undefined: unknown, wrong secret, revoked or expired. */
export async function serviceTokenCaller(deps: Pick<Deps, 'store' | 'clock'>, presented: string): Promise<OperatorCaller | undefined> {
  if (!presented.startsWith(TOKEN_PREFIX) || presented.length > 200) return undefined;
  const [id, secret, extra] = presented.slice(TOKEN_PREFIX.length).split('.');
  if (!id || !secret || extra !== undefined) return undefined;
  const token = await deps.store.operators.findToken(id);
  if (!token || !tokenSecretMatches(token.secretHash, secret)) return undefined;
  const now = deps.clock.now();
  if (token.revokedAt !== null || token.expiresAt <= now) return undefined;
  // Last use, at most once a minute.
  if (token.lastUsedAt === null || now - token.lastUsedAt >= 60_000) await deps.store.operators.touchToken(id, now);
  return { kind: 'service', id: `service:${token.id}`, actor: `service:${token.name}`, roles: token.roles };
}

export async function revokeServiceToken(deps: Pick<Deps, 'store' | 'clock'>, id: string, actor: string): Promise<true | Failure> {
  if (!(await deps.store.operators.revokeToken(id, deps.clock.now()))) return fail('not_found');
  await recordAudit(deps, null, 'service_token_revoked', { token: id }, actor);
  return true;
}

export function viewServiceToken(t: ServiceTokenRecord, now: number) {
  return {
    id: t.id,
    name: t.name,
    roles: t.roles,
    createdAt: new Date(t.createdAt).toISOString(),
    expiresAt: new Date(t.expiresAt).toISOString(),
    lastUsedAt: t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
    status: t.revokedAt !== null ? 'revoked' : t.expiresAt <= now ? 'expired' : 'active',
  };
}

export async function listServiceTokens(deps: Pick<Deps, 'store' | 'clock'>) {
  const now = deps.clock.now();
  return { tokens: (await deps.store.operators.listTokens()).map((t) => viewServiceToken(t, now)) };
}
