import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { isPostgresUrl } from './store/database.js';
import { parseRiskPolicy } from './domain/risk/config.js';
import type { RiskPolicy } from './domain/kernel/risk-policy.js';


/** The configuration, validated once and frozen (src/config.ts reads it from the environment). */
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
  readonly newDeviceStepUp: boolean;
  /** The risk engine's policy from KABUTO_RISK_POLICY (validated); undefined: the default policy (docs/risk.md). */
  readonly riskPolicy: RiskPolicy | undefined;
  /** Days a known device stays trusted before it counts as new again. */
  readonly deviceTrustDays: number;
  readonly publicOrigin: string | undefined;
  /** The OpenID Provider's issuer (docs/oidc.md); undefined: the provider is off. */
  readonly oidcIssuer: string | undefined;
  /**
   * Which proxies' X-Forwarded-For entries are believed (Fastify's trustProxy): false, a hop count
   * (the last N entries), or the proxies' addresses and CIDR ranges.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Bearer token of GET /metrics; undefined: served openly outside production, off in production. */
  readonly metricsToken: string | undefined;
  /** Whether /docs and the OpenAPI document are served. */
  readonly docs: boolean;
  readonly secret: Buffer;
  readonly firmName: string;
  readonly seedDemo: boolean;
  readonly logLevel: string;
  readonly webRoot: string;
  /** SMTP for notices (smtp:// or smtps://, credentials in the URL); unset: the dev outbox. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Twilio-compatible REST API for SMS and voice calls; unset account: the dev outbox. */
  readonly smsApiUrl: string;
  readonly smsAccountSid: string | undefined;
  readonly smsAuthToken: string | undefined;
  readonly smsFrom: string | undefined;
  readonly voiceFrom: string | undefined;
  readonly smsTimeoutMs: number;
  /** SMTP connection, greeting and socket time-outs (one mail server that hangs never holds a sender). */
  readonly smtpTimeoutMs: number;
  /** The notice outbox's sender: poll interval, attempts before dead-letter, first retry delay. */
  readonly noticePollMs: number;
  readonly noticeMaxAttempts: number;
  readonly noticeRetryMs: number;
  /** The event feed's webhook deliveries: poll interval, attempts before dead-letter, first retry delay, one POST's time-out. */
  readonly webhookPollMs: number;
  readonly webhookMaxAttempts: number;
  readonly webhookRetryMs: number;
  readonly webhookTimeoutMs: number;
  /** PostgreSQL: connect (and pool wait) time-out, statement time-out. */
  readonly databaseConnectTimeoutMs: number;
  readonly databaseStatementTimeoutMs: number;
  /** /readyz answers false past this. */
  readonly readyTimeoutMs: number;
  /** SIGTERM: keep serving (with /readyz false) this long, then drain; exit by the deadline whatever happens. */
  readonly shutdownGraceMs: number;
  readonly shutdownTimeoutMs: number;
}

// Every environment variable Kabuto reads, declared once: loadConfig parses them, `kabuto config
// check` reports them, and the README's table is printed from them (a test keeps it in step).

export class ConfigError extends Error {}

export interface ParseContext {
  mode: Mode;
  env: Readonly<Record<string, string | undefined>>;
  /** `kabuto config check` must not write the development secret file. */
  readOnly: boolean;
}

export interface Variable<T> {
  readonly name: string;
  /** The default as an operator reads it in the README. */
  readonly defaultText: string;
  readonly description: string;
  /** `kabuto config check` never prints the value. */
  readonly secret?: boolean;
  /** `raw` is undefined when the variable is unset or empty. Throws ConfigError saying what is expected. */
  parse(raw: string | undefined, ctx: ParseContext): T;
}

/** The reason alone; the reader prefixes the variable's name. */
const invalid = (reason: string): never => {
  throw new ConfigError(reason);
};

function flag(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  return invalid(`must be 1 or 0 (true or false), got "${raw}"`);
}

function integer(raw: string | undefined, fallback: number, min: number, max: number, what: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) return invalid(`must be ${what} (${min}–${max}), got "${raw}"`);
  return value;
}

/** A hop count, or addresses and CIDR ranges of the proxies (IPv4 or IPv6). */
function parseTrustProxy(raw: string | undefined): false | number | readonly string[] {
  if (raw === undefined || raw === '0' || raw === 'false') return false;
  // `true` once meant "trust every hop"; it now means one hop, as `1` does.
  if (raw === 'true') return 1;
  if (/^\d+$/.test(raw)) return integer(raw, 1, 1, 10, 'a hop count');
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const version = isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
    if (version === 0 || !bitsOk || extra !== undefined) invalid(`must be a hop count or proxy addresses / CIDR ranges separated by commas, got "${entry}"`);
  }
  return Object.freeze(entries);
}

const PHISHING_RESISTANT_OPERATIONS = ['login', 'withdrawal', 'bank_account'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const VARIABLES: { readonly [K in keyof Config]: Variable<Config[K]> } = {
  mode: {
    name: 'NODE_ENV',
    defaultText: 'development',
    description: '`production` never enables the outbox or the demo customers and requires `KABUTO_SECRET`, `KABUTO_PUBLIC_ORIGIN` and real senders (`KABUTO_SMTP_URL`, `KABUTO_SMS_ACCOUNT_SID`); `test` for test runs',
    parse: (raw) => (raw === undefined ? 'development' : raw === 'production' || raw === 'development' || raw === 'test' ? raw : invalid(`must be production, development or test, got "${raw}"`)),
  },
  port: {
    name: 'KABUTO_PORT',
    defaultText: '3000',
    description: 'listening port (0: any free port)',
    parse: (raw) => integer(raw, 3000, 0, 65535, 'a port number'),
  },
  host: {
    name: 'KABUTO_HOST',
    defaultText: '127.0.0.1 (0.0.0.0 in production)',
    description: 'listening address',
    parse: (raw, { mode }) => raw ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
  },
  databaseUrl: {
    name: 'KABUTO_DATABASE_URL',
    defaultText: '`./data/kabuto.db`',
    description: 'a SQLite file path (or `sqlite:PATH`), or `postgres://…` / `postgresql://…` for PostgreSQL (any number of instances may share it); any other scheme is refused',
    parse: (raw) => databaseUrl(raw),
  },
  databasePoolSize: {
    name: 'KABUTO_DATABASE_POOL_SIZE',
    defaultText: '10',
    description: 'PostgreSQL connections per process (instances × pool size must stay under the server’s `max_connections`)',
    parse: (raw) => integer(raw, 10, 1, 1000, 'a positive integer'),
  },
  databaseSchema: {
    name: 'KABUTO_DATABASE_SCHEMA',
    defaultText: 'unset (`public`)',
    description: 'PostgreSQL schema holding Kabuto’s tables (it must exist); several deployments can share one database',
    // Interpolated into the connection's search_path: an identifier, nothing else.
    parse: (raw) => (raw === undefined || /^[a-z_][a-z0-9_]{0,62}$/.test(raw) ? raw : invalid('must be a lower-case SQL identifier (letters, digits, _)')),
  },
  secret: {
    name: 'KABUTO_SECRET',
    defaultText: 'generated in development (`data/dev-secret`)',
    description: '32+ bytes, written as exactly hex (`openssl rand -hex 32`, or `hex:…`) or as `base64:…`: derives the code HMAC key, the password pepper and the encryption key; the same on every instance',
    secret: true,
    parse: (raw, ctx) => loadSecret(raw, ctx),
  },
  adminToken: {
    name: 'KABUTO_ADMIN_TOKEN',
    defaultText: 'unset',
    description:
      'development and test only: a bootstrap service token of the admin API with every role, four eyes bypassed (16+ characters); refused in production, where services use their own tokens (`kabuto operators token create`) and people sign in to the console (docs/operators.md)',
    secret: true,
    parse: (raw, { mode }) => {
      if (raw !== undefined && mode === 'production') invalid('is refused in production: create a service token per service with `kabuto operators token create --name NAME --roles ROLES --days N` (docs/operators.md)');
      return raw === undefined || raw.length >= 16 ? raw : invalid('must be at least 16 characters');
    },
  },
  devOutbox: {
    name: 'KABUTO_DEV_OUTBOX',
    defaultText: 'on in development',
    description: '`1` serves `/api/dev/outbox` (every SMS and e-mail); refused in production',
    parse: (raw, { mode }) => {
      const on = flag(raw, mode === 'development');
      if (on && mode === 'production') invalid('cannot be enabled in production mode');
      return on;
    },
  },
  mfaRequired: {
    name: 'KABUTO_MFA_REQUIRED',
    defaultText: 'off',
    description: '`1`: 2FA cannot be turned off and every login needs it',
    parse: (raw) => flag(raw, false),
  },
  phishingResistant: {
    name: 'KABUTO_PHISHING_RESISTANT',
    defaultText: 'the guideline’s `withdrawal,bank_account` in production, empty otherwise',
    description:
      'e.g. `login,withdrawal,bank_account`: those operations accept only passkeys (sign-in and withdrawals also for the passkey migration’s cohorts from their dates); `none` for nothing. A production that sets less than the guideline’s policy is told so at start-up and by `kabuto config check`',
    parse: (raw, { mode }) => {
      if (raw === 'none') return new Set<string>();
      const operations = new Set((raw ?? (mode === 'production' ? 'withdrawal,bank_account' : '')).split(',').map((s) => s.trim()).filter(Boolean));
      for (const operation of operations) {
        if (!PHISHING_RESISTANT_OPERATIONS.includes(operation)) invalid(`unknown operation "${operation}" (known: ${PHISHING_RESISTANT_OPERATIONS.join(', ')})`);
      }
      return operations;
    },
  },
  newDeviceStepUp: {
    name: 'KABUTO_NEW_DEVICE_STEP_UP',
    defaultText: 'off',
    description: '`1`: a sign-in from a device never seen before needs a second factor, even when the customer’s 2FA would not ask (when they have one)',
    parse: (raw) => flag(raw, false),
  },
  riskPolicy: {
    name: 'KABUTO_RISK_POLICY',
    defaultText: 'the default policy (docs/risk.md)',
    description:
      'path to a JSON file of the risk engine’s rules and thresholds over the default policy (docs/risk.md): each rule `enforce` or `observe` (shadow mode), `"mode": "observe"` for all; validated at start, a wrong file stops it',
    parse: (raw) => {
      if (raw === undefined) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(raw, 'utf8'));
      } catch (error) {
        return invalid(`cannot read the JSON file "${raw}": ${error instanceof Error ? error.message : String(error)}`);
      }
      try {
        return parseRiskPolicy(json);
      } catch (error) {
        return invalid(error instanceof Error ? error.message : String(error));
      }
    },
  },
  deviceTrustDays: {
    name: 'KABUTO_DEVICE_TRUST_DAYS',
    defaultText: '90',
    description: 'days a known device stays trusted; after them it counts as new again (notice, and a second factor with KABUTO_NEW_DEVICE_STEP_UP)',
    parse: (raw) => integer(raw, 90, 1, 3650, 'a number of days'),
  },
  publicOrigin: {
    name: 'KABUTO_PUBLIC_ORIGIN',
    defaultText: 'unset (required in production)',
    description: 'e.g. `https://kabuto.example.jp`: the origin customers use, for CSRF checks and passkeys; https turns on HSTS and Secure cookies',
    parse: (raw, { mode }) => {
      const origin = raw?.replace(/\/$/, '');
      // Behind a proxy the Host header is an internal name: guessing the origin from it would refuse
      // every customer's request (CSRF) and every passkey (relying party). Production says it.
      if (origin === undefined && mode === 'production') invalid('is required in production mode: the origin customers use, e.g. https://kabuto.example.jp');
      return origin === undefined || /^https?:\/\/[^/]+$/.test(origin) ? origin : invalid('must be an origin such as https://kabuto.example.jp');
    },
  },
  oidcIssuer: {
    name: 'KABUTO_OIDC_ISSUER',
    defaultText: 'unset (the OpenID Provider is off)',
    description:
      'turns on the OpenID Provider (docs/oidc.md): its issuer, the public origin followed by `/oidc` (e.g. `https://kabuto.example.jp/oidc`; `1` says exactly that, from `KABUTO_PUBLIC_ORIGIN`); https in production',
    parse: (raw, { mode, env }) => {
      if (raw === undefined || raw === '0') return undefined;
      const origin = env.KABUTO_PUBLIC_ORIGIN?.replace(/\/$/, '');
      if (raw === '1') return origin ? `${origin}/oidc` : invalid('is `1` but KABUTO_PUBLIC_ORIGIN is not set: name the issuer, e.g. https://kabuto.example.jp/oidc');
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return invalid('must be a URL such as https://kabuto.example.jp/oidc');
      }
      if (url.pathname !== '/oidc' || url.search || url.hash) invalid('must be the public origin followed by /oidc, e.g. https://kabuto.example.jp/oidc');
      if (url.protocol !== 'https:' && (mode === 'production' || url.protocol !== 'http:')) invalid('must be https in production');
      if (origin && url.origin !== origin) invalid(`must be on KABUTO_PUBLIC_ORIGIN (${origin})`);
      return `${url.origin}/oidc`;
    },
  },
  trustProxy: {
    name: 'KABUTO_TRUST_PROXY',
    defaultText: 'off',
    description:
      'behind a reverse proxy: the number of proxy hops in front of Kabuto (`1`: one proxy that appends to `X-Forwarded-For`, its last entry is the client), or a comma-separated list of the proxies’ addresses and CIDR ranges (e.g. `10.0.0.0/8,127.0.0.1`); only those entries are believed for client addresses and `X-Request-Id`. `0` off. The whole chain is never trusted: a client forges the leftmost entries',
    parse: (raw) => parseTrustProxy(raw),
  },
  metricsToken: {
    name: 'KABUTO_METRICS_TOKEN',
    defaultText: 'unset (`/metrics` off in production, open otherwise)',
    description: 'bearer token `/metrics` requires, 16+ characters; in production `/metrics` is served only with one',
    secret: true,
    parse: (raw) => (raw === undefined || raw.length >= 16 ? raw : invalid('must be at least 16 characters')),
  },
  docs: {
    name: 'KABUTO_DOCS',
    defaultText: 'off in production, on otherwise',
    description: '`1` serves the API reference at `/docs` and the OpenAPI document at `/api/v1/openapi.json`; `0` turns both off',
    parse: (raw, { mode }) => flag(raw, mode !== 'production'),
  },
  firmName: {
    name: 'KABUTO_FIRM_NAME',
    defaultText: 'Kabuto証券',
    description: 'the firm’s name in SMS texts and e-mails',
    parse: (raw) => (raw === undefined ? 'Kabuto証券' : raw.length <= 40 ? raw : invalid('must be at most 40 characters (it goes into every SMS)')),
  },
  seedDemo: {
    name: 'KABUTO_SEED_DEMO',
    defaultText: 'on in development',
    description: '`0` skips the demo customers; never created in production',
    parse: (raw, { mode }) => mode !== 'production' && flag(raw, true),
  },
  logLevel: {
    name: 'KABUTO_LOG_LEVEL',
    defaultText: 'info (silent in test)',
    description: `pino level: ${LOG_LEVELS.join(', ')}`,
    parse: (raw, { mode }) => (raw === undefined ? (mode === 'test' ? 'silent' : 'info') : LOG_LEVELS.includes(raw) ? raw : invalid(`must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`)),
  },
  webRoot: {
    name: 'KABUTO_WEB_ROOT',
    defaultText: '`web/dist`',
    description: 'the built customer portal served at `/` (absent: the API alone)',
    parse: (raw) => raw ?? join(process.cwd(), 'web', 'dist'),
  },
  smtpUrl: {
    name: 'KABUTO_SMTP_URL',
    defaultText: 'unset (notices to the dev outbox; required in production)',
    description: 'e.g. `smtps://user:pass@mail.example.jp:465`: notices are sent by SMTP (nodemailer) from the durable outbox',
    secret: true,
    parse: (raw, { mode }) => {
      // Without it production would queue every notice and never send one (issue 11.9).
      if (raw === undefined && mode === 'production') invalid('is required in production mode: notices (new sign-in, password change, withdrawal) are sent by SMTP');
      return raw === undefined || /^smtps?:\/\/[^\s]+$/.test(raw) ? raw : invalid('must be an smtp:// or smtps:// URL');
    },
  },
  mailFrom: {
    name: 'KABUTO_MAIL_FROM',
    defaultText: '`no-reply@localhost`',
    description: 'the From address of notices',
    parse: (raw) => (raw === undefined ? 'no-reply@localhost' : /^[^\s@]+@[^\s@]+$/.test(raw) ? raw : invalid('must be an e-mail address')),
  },
  smsApiUrl: {
    name: 'KABUTO_SMS_API_URL',
    defaultText: '`https://api.twilio.com`',
    description: 'base URL of a Twilio-compatible REST API (`/2010-04-01/Accounts/{sid}/Messages.json` and `Calls.json`)',
    parse: (raw) => {
      const url = raw?.replace(/\/$/, '') ?? 'https://api.twilio.com';
      return /^https?:\/\/[^\s]+$/.test(url) ? url : invalid('must be an http(s) URL');
    },
  },
  smsAccountSid: {
    name: 'KABUTO_SMS_ACCOUNT_SID',
    defaultText: 'unset (codes to the dev outbox; required in production)',
    description: 'account of the SMS/voice provider (required in production); set, it needs `KABUTO_SMS_AUTH_TOKEN` and `KABUTO_SMS_FROM`',
    parse: (raw, { env, mode }) => {
      // Without it production would have nowhere to send one-time codes but a table (issue 11.9).
      if (raw === undefined && mode === 'production') invalid('is required in production mode: one-time codes are sent by the SMS/voice provider (with KABUTO_SMS_AUTH_TOKEN and KABUTO_SMS_FROM)');
      if (raw === undefined) return undefined;
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) invalid('must be letters, digits, _ or - (at most 64)');
      if (!env.KABUTO_SMS_AUTH_TOKEN || !env.KABUTO_SMS_FROM) invalid('needs KABUTO_SMS_AUTH_TOKEN and KABUTO_SMS_FROM too');
      return raw;
    },
  },
  smsAuthToken: {
    name: 'KABUTO_SMS_AUTH_TOKEN',
    defaultText: 'unset',
    description: 'the provider’s auth token (HTTP Basic password)',
    secret: true,
    parse: (raw) => raw,
  },
  smsFrom: {
    name: 'KABUTO_SMS_FROM',
    defaultText: 'unset',
    description: 'sender of SMS: an E.164 number or an alphanumeric sender ID',
    parse: (raw) => (raw === undefined || /^[+A-Za-z0-9 ]{1,20}$/.test(raw) ? raw : invalid('must be an E.164 number or a sender ID of at most 20 characters')),
  },
  voiceFrom: {
    name: 'KABUTO_VOICE_FROM',
    defaultText: '`KABUTO_SMS_FROM`',
    description: 'caller number of voice-call codes (E.164)',
    parse: (raw, { env }) => {
      const from = raw ?? env.KABUTO_SMS_FROM ?? undefined;
      return from === undefined || /^\+[0-9]{6,15}$/.test(from) || raw === undefined ? from : invalid('must be an E.164 number, e.g. +815012345678');
    },
  },
  smsTimeoutMs: {
    name: 'KABUTO_SMS_TIMEOUT_MS',
    defaultText: '10000',
    description: 'time-out of one provider request: past it the customer is told the code could not be sent (502 `send_failed`)',
    parse: (raw) => integer(raw, 10_000, 100, 120_000, 'milliseconds'),
  },
  smtpTimeoutMs: {
    name: 'KABUTO_SMTP_TIMEOUT_MS',
    defaultText: '10000',
    description: 'SMTP connection, greeting and socket time-out: a mail server that hangs fails the attempt, which the outbox retries',
    parse: (raw) => integer(raw, 10_000, 100, 120_000, 'milliseconds'),
  },
  noticePollMs: {
    name: 'KABUTO_NOTICE_POLL_MS',
    defaultText: '1000',
    description: 'how often each instance looks for due notices in the outbox (a committed notice also wakes its own instance, 50 ms later)',
    parse: (raw) => integer(raw, 1_000, 10, 60_000, 'milliseconds'),
  },
  noticeMaxAttempts: {
    name: 'KABUTO_NOTICE_MAX_ATTEMPTS',
    defaultText: '10',
    description: 'delivery attempts of a notice before it is dead-lettered (metric `kabuto_notices_dead_total`, an `ALERT` log line)',
    parse: (raw) => integer(raw, 10, 1, 100, 'a number of attempts'),
  },
  noticeRetryMs: {
    name: 'KABUTO_NOTICE_RETRY_MS',
    defaultText: '5000',
    description: 'first retry delay of a notice that failed; doubled on each failure up to 15 minutes (10 attempts ≈ 1 hour)',
    parse: (raw) => integer(raw, 5_000, 10, 3_600_000, 'milliseconds'),
  },
  webhookPollMs: {
    name: 'KABUTO_WEBHOOK_POLL_MS',
    defaultText: '1000',
    description: 'how often each instance delivers the event feed to registered webhooks (docs/events.md)',
    parse: (raw) => integer(raw, 1_000, 10, 60_000, 'milliseconds'),
  },
  webhookMaxAttempts: {
    name: 'KABUTO_WEBHOOK_MAX_ATTEMPTS',
    defaultText: '12',
    description: 'delivery attempts of one event to one webhook before it is dead-lettered (`kabuto webhooks retry` sends it again)',
    parse: (raw) => integer(raw, 12, 1, 100, 'a number of attempts'),
  },
  webhookRetryMs: {
    name: 'KABUTO_WEBHOOK_RETRY_MS',
    defaultText: '5000',
    description: 'first retry delay of a webhook delivery that failed; doubled on each failure up to 1 hour (12 attempts ≈ 5 hours)',
    parse: (raw) => integer(raw, 5_000, 10, 3_600_000, 'milliseconds'),
  },
  webhookTimeoutMs: {
    name: 'KABUTO_WEBHOOK_TIMEOUT_MS',
    defaultText: '10000',
    description: 'time-out of one webhook POST (connection, answer): past it the attempt failed and is retried',
    parse: (raw) => integer(raw, 10_000, 100, 60_000, 'milliseconds'),
  },
  databaseConnectTimeoutMs: {
    name: 'KABUTO_DATABASE_CONNECT_TIMEOUT_MS',
    defaultText: '3000',
    description: 'PostgreSQL: time-out of opening a connection and of waiting for a free one in the pool (then 503 with `Retry-After`)',
    parse: (raw) => integer(raw, 3_000, 100, 60_000, 'milliseconds'),
  },
  databaseStatementTimeoutMs: {
    name: 'KABUTO_DATABASE_STATEMENT_TIMEOUT_MS',
    defaultText: '5000',
    description: 'PostgreSQL: `statement_timeout` of every statement; the client gives up 1 s after it (a frozen link), idle-in-transaction sessions end after twice it',
    parse: (raw) => integer(raw, 5_000, 100, 600_000, 'milliseconds'),
  },
  readyTimeoutMs: {
    name: 'KABUTO_READY_TIMEOUT_MS',
    defaultText: '1000',
    description: '`/readyz` answers 503 when the database does not answer within this (unreachable, or the pool starved)',
    parse: (raw) => integer(raw, 1_000, 50, 30_000, 'milliseconds'),
  },
  shutdownGraceMs: {
    name: 'KABUTO_SHUTDOWN_GRACE_MS',
    defaultText: '5000 (0 in development and test)',
    description: 'after SIGTERM, `/readyz` answers 503 and requests are still served this long (the load balancer takes the instance out), then the server drains',
    parse: (raw, { mode }) => integer(raw, mode === 'production' ? 5_000 : 0, 0, 600_000, 'milliseconds'),
  },
  shutdownTimeoutMs: {
    name: 'KABUTO_SHUTDOWN_TIMEOUT_MS',
    defaultText: '20000',
    description: 'after SIGTERM the process exits within this whatever is still running (exit code 1); keep it under the orchestrator’s kill deadline',
    parse: (raw) => integer(raw, 20_000, 100, 3_600_000, 'milliseconds'),
  },
};

/** Read by commands, not by the server: known, so `config check` does not call them misspelt. */
export const COMMAND_INPUTS: Record<string, string> = {
  KABUTO_NEW_PASSWORD: 'login password of `kabuto customers create` (never on the command line)',
  KABUTO_NEW_TRADING_PASSWORD: 'trading password of `kabuto customers create`',
};

/**
 * A secret says how it is written: bare hex (an even number of hex digits), `hex:…` or `base64:…`.
 * Never guessed: a 64-hex secret with one typo must not be read as base64 (a different key: every
 * password would then fail), so a bare value that is not all hex is refused, naming the character.
 */
function decodeSecret(raw: string): Buffer {
  const [, prefix, body] = /^(hex:|base64:)?(.*)$/s.exec(raw)!;
  if (prefix === 'base64:') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body!) || body!.length % 4 !== 0) invalid('after base64: must be standard base64 (A–Z, a–z, 0–9, +, /, = padding)');
    return Buffer.from(body!, 'base64');
  }
  const bad = /[^0-9a-fA-F]/.exec(body!);
  if (bad) {
    const hint = prefix ? '' : ' (a base64 secret must be written base64:…)';
    invalid(`must be hex: character ${JSON.stringify(bad[0])} at position ${bad.index + 1 + (prefix?.length ?? 0)} is not a hex digit${hint}`);
  }
  if (body!.length % 2 !== 0) invalid(`must be hex with an even number of digits, got ${body!.length}`);
  return Buffer.from(body!, 'hex');
}

/**
 * A database URL Kabuto knows: postgres:// or postgresql:// for PostgreSQL; sqlite:PATH, a plain
 * path or :memory: for SQLite. `mysql://…` used to become a SQLite folder named `mysql:`.
 */
function databaseUrl(raw: string | undefined): string {
  if (raw === undefined) return './data/kabuto.db';
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      const url = new URL(raw);
      if (!url.hostname && !url.searchParams.get('host')) invalid('must name a host: postgres://USER:PASSWORD@HOST:5432/DATABASE');
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      invalid('is not a valid URL: postgres://USER:PASSWORD@HOST:5432/DATABASE');
    }
    return raw;
  }
  if (raw === ':memory:' || raw === 'sqlite::memory:') return ':memory:';
  if (raw.startsWith('sqlite:')) {
    const path = raw.startsWith('sqlite://') ? raw.slice('sqlite://'.length) : raw.slice('sqlite:'.length);
    if (!path) invalid('needs a file path after sqlite:, e.g. sqlite:/var/lib/kabuto/kabuto.db');
    return path;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  if (scheme) invalid(`has an unsupported scheme "${scheme[1]}:" (use postgres://…, postgresql://…, sqlite:PATH or a file path)`);
  return raw;
}

/**
 * The master secret. Production refuses to start without it; development keeps a generated one next
 * to its database so restarts keep passwords and codes valid.
 */
function loadSecret(raw: string | undefined, { mode, env, readOnly }: ParseContext): Buffer {
  if (raw) {
    const decoded = decodeSecret(raw);
    if (decoded.length < 32) invalid('must encode at least 32 bytes (64 hex characters), e.g. `openssl rand -hex 32`');
    return decoded;
  }
  if (mode === 'production') invalid('is required in production mode (64 hex characters: `openssl rand -hex 32`)');
  const databaseUrl = env.KABUTO_DATABASE_URL || './data/kabuto.db';
  const file = isPostgresUrl(databaseUrl) || databaseUrl === ':memory:' ? join('data', 'dev-secret') : join(dirname(databaseUrl), 'dev-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const secret = randomBytes(32);
  if (readOnly) return secret;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret.toString('hex'), { mode: 0o600 });
  return secret;
}
