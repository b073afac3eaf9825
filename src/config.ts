import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isPostgresUrl } from './store/database.js';

// The one place process.env is read: validated once, frozen, passed down.

export type Mode = 'development' | 'production' | 'test';

export interface Config {
  readonly mode: Mode;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  /** PostgreSQL schema (search_path); undefined uses the server's default (public). */
  readonly databaseSchema: string | undefined;
  readonly adminToken: string | undefined;
  readonly devOutbox: boolean;
  readonly mfaRequired: boolean;
  readonly phishingResistant: ReadonlySet<string>;
  readonly publicOrigin: string | undefined;
  readonly trustProxy: boolean;
  readonly secret: Buffer;
  readonly firmName: string;
  readonly seedDemo: boolean;
  readonly logLevel: string;
  readonly webRoot: string;
}

export class ConfigError extends Error {}

const PHISHING_RESISTANT_OPERATIONS = new Set(['login', 'withdrawal', 'bank_account']);

function flag(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode: Mode = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = mode === 'production';
  const port = Number(env.KABUTO_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`KABUTO_PORT must be a port number, got "${env.KABUTO_PORT}"`);
  const databaseUrl = env.KABUTO_DATABASE_URL ?? './data/kabuto.db';
  const poolSize = Number(env.KABUTO_DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new ConfigError('KABUTO_DATABASE_POOL_SIZE must be a positive integer');
  const databaseSchema = env.KABUTO_DATABASE_SCHEMA || undefined;
  // Interpolated into the connection's search_path: an identifier, nothing else.
  if (databaseSchema && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) throw new ConfigError('KABUTO_DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, _)');

  const phishingResistant = new Set((env.KABUTO_PHISHING_RESISTANT ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  for (const operation of phishingResistant) {
    if (!PHISHING_RESISTANT_OPERATIONS.has(operation)) throw new ConfigError(`KABUTO_PHISHING_RESISTANT: unknown operation "${operation}" (known: login, withdrawal, bank_account)`);
  }
  const publicOrigin = env.KABUTO_PUBLIC_ORIGIN?.replace(/\/$/, '');
  if (publicOrigin && !/^https?:\/\/[^/]+$/.test(publicOrigin)) throw new ConfigError('KABUTO_PUBLIC_ORIGIN must be an origin such as https://kabuto.example.jp');
  const adminToken = env.KABUTO_ADMIN_TOKEN || undefined;
  if (adminToken && adminToken.length < 16) throw new ConfigError('KABUTO_ADMIN_TOKEN must be at least 16 characters');
  if (production && flag(env.KABUTO_DEV_OUTBOX)) throw new ConfigError('KABUTO_DEV_OUTBOX cannot be enabled in production mode');

  return Object.freeze({
    mode,
    host: env.KABUTO_HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port,
    databaseUrl,
    databasePoolSize: poolSize,
    databaseSchema,
    adminToken,
    devOutbox: !production && (mode === 'development' ? env.KABUTO_DEV_OUTBOX !== '0' : flag(env.KABUTO_DEV_OUTBOX)),
    mfaRequired: flag(env.KABUTO_MFA_REQUIRED),
    phishingResistant,
    publicOrigin,
    trustProxy: flag(env.KABUTO_TRUST_PROXY),
    secret: loadSecret(env.KABUTO_SECRET, production, databaseUrl),
    firmName: env.KABUTO_FIRM_NAME ?? 'Kabuto証券',
    seedDemo: !production && env.KABUTO_SEED_DEMO !== '0',
    logLevel: env.KABUTO_LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    webRoot: env.KABUTO_WEB_ROOT ?? join(process.cwd(), 'web', 'dist'),
  });
}

/**
 * The master secret (hex or base64, at least 32 bytes) from which the code HMAC key, the password
 * pepper and the encryption key derive. Production refuses to start without it; development keeps a
 * generated one next to its database so restarts keep passwords and codes valid.
 */
function loadSecret(value: string | undefined, production: boolean, databaseUrl: string): Buffer {
  if (value) {
    const decoded = /^[0-9a-fA-F]+$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (decoded.length < 32) throw new ConfigError('KABUTO_SECRET must encode at least 32 bytes (64 hex characters), e.g. `openssl rand -hex 32`');
    return decoded;
  }
  if (production) throw new ConfigError('KABUTO_SECRET is required in production mode (64 hex characters: `openssl rand -hex 32`)');
  const file = isPostgresUrl(databaseUrl) || databaseUrl === ':memory:' ? join('data', 'dev-secret') : join(dirname(databaseUrl), 'dev-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const secret = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret.toString('hex'), { mode: 0o600 });
  return secret;
}
