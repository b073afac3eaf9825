import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { recordAudit } from '../kernel/audit.js';
import { decryptSecret, encryptSecret } from '../factors/encryption.js';
import type { FederationStore, SigningKeyRecord } from './ports.js';

// The provider's signing keys (docs/oidc.md, "Keys"). A new key is published in the JWKS at once and
// signs only from `activatesAt` (relying parties that cache the JWKS meet it before any token signed
// with it); the key it replaces keeps being published for `keepMs` after that, so tokens it signed
// still verify. Private halves are sealed (AES-256-GCM) under a key derived from KABUTO_SECRET, the
// key id as associated data.

export const SIGNING_ALG = 'RS256';

const sealContext = (kid: string) => `oidc-signing-key:${kid}`;

export interface RotationTimes {
  /** How long the new key is published before it signs. */
  publishMs: number;
  /** How long the replaced key stays published after it stops signing. */
  keepMs: number;
}

export const DEFAULT_ROTATION: RotationTimes = { publishMs: 60 * 60 * 1000, keepMs: 24 * 60 * 60 * 1000 };

/**
 * A new signing key, published now and signing from `now + publishMs`; the key signing today stops then
 * and is published for `keepMs` more. The first key of an installation signs at once.
 */
export async function rotateSigningKey(deps: Pick<Deps, 'random' | 'clock' | 'secrets' | 'store'>, store: FederationStore, times: RotationTimes, actor: string): Promise<SigningKeyRecord> {
  const now = deps.clock.now();
  const existing = await store.keys.list();
  const activatesAt = existing.length === 0 ? now : now + times.publishMs;
  const kid = newId(deps.random, 12);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: SIGNING_ALG, use: 'sig' };
  const key: SigningKeyRecord = {
    kid,
    alg: SIGNING_ALG,
    publicJwk,
    sealedPrivateJwk: encryptSecret(deps.secrets.encryptionKey, deps.random, sealContext(kid), Buffer.from(JSON.stringify(privateJwk))),
    createdAt: now,
    activatesAt,
    retiredAt: null,
    expiresAt: null,
  };
  await store.keys.insert(key);
  if (existing.length > 0) await store.keys.retireActive(kid, activatesAt, activatesAt + times.keepMs);
  await store.keys.deleteExpired(now);
  await recordAudit(deps, null, 'oidc_signing_key_rotated', { kid, activatesAt: new Date(activatesAt).toISOString() }, actor);
  return key;
}

function signsAt(key: SigningKeyRecord, now: number): boolean {
  return key.activatesAt <= now && (key.retiredAt === null || key.retiredAt > now);
}

function published(key: SigningKeyRecord, now: number): boolean {
  return key.expiresAt === null || key.expiresAt > now;
}

/**
 * The keys to give the provider, the one signing now first (the provider signs with the first key of an
 * algorithm), then the others still published: the next key (not yet signing) and the replaced ones.
 */
export function keysInUse(deps: Pick<Deps, 'secrets'>, keys: readonly SigningKeyRecord[], now: number): JsonWebKey[] {
  const live = keys.filter((key) => published(key, now));
  const signing = live.filter((key) => signsAt(key, now)).sort((a, b) => b.activatesAt - a.activatesAt);
  const others = live.filter((key) => !signing.includes(key)).sort((a, b) => b.createdAt - a.createdAt);
  return [...signing, ...others].map((key) => JSON.parse(decryptSecret(deps.secrets.encryptionKey, sealContext(key.kid), key.sealedPrivateJwk).toString('utf8')) as JsonWebKey);
}

/** When the set of keys in use next changes by itself (a key starts signing or leaves the JWKS). */
export function nextKeyChange(keys: readonly SigningKeyRecord[], now: number): number | undefined {
  const times = keys.flatMap((key) => [key.activatesAt, key.retiredAt, key.expiresAt]).filter((at): at is number => at !== null && at > now);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** What the admin API and the CLI show of the keys (no private half). */
export function viewSigningKeys(keys: readonly SigningKeyRecord[], now: number) {
  return keys.map((key) => ({
    kid: key.kid,
    alg: key.alg,
    state: !published(key, now) ? ('expired' as const) : signsAt(key, now) ? ('signing' as const) : key.activatesAt > now ? ('next' as const) : ('retired' as const),
    createdAt: new Date(key.createdAt).toISOString(),
    activatesAt: new Date(key.activatesAt).toISOString(),
    retiredAt: key.retiredAt === null ? null : new Date(key.retiredAt).toISOString(),
    expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
  }));
}

/** The signing keys as the back office sees them. */
export async function signingKeysOf(deps: Pick<Deps, 'clock'>, federation: FederationStore) {
  return viewSigningKeys(await federation.keys.list(), deps.clock.now());
}
