import type { Config } from './config.js';
import { systemClock } from './adapters/clock.js';
import { cryptoRandom } from './adapters/random.js';
import { createArgon2Hasher, type HasherStats } from './adapters/argon2-hasher.js';
import { createDevOutbox } from './adapters/dev-outbox.js';
import { createMetrics, type Metrics } from './adapters/metrics.js';
import { createHttpSmsProvider } from './adapters/http-sms-provider.js';
import { createSmtpEmail } from './adapters/smtp-email.js';
import type { Deps } from './domain/kernel/context.js';
import { deriveSecrets, hmacHex } from './domain/kernel/crypto.js';
import { isFailure } from './domain/kernel/errors.js';
import { depositCash } from './domain/money/ledger.js';
import { createPolicy, departuresFromGuideline, describePolicy, type SecurityPolicy } from './domain/kernel/policy.js';
import { createPriceFeed, type PriceFeed } from './domain/money/instruments.js';
import { approvalKinds } from './domain/operators/desk-actions.js';
import type { ApprovalKinds } from './domain/operators/approvals.js';
import type { OutboxStore } from './domain/kernel/store.js';
import type { CustomerRecord } from './domain/kernel/types.js';
import { createAppLogger, type AppLogger } from './http/log.js';
import { isPostgresUrl, MIGRATION_TIMEOUTS, migrateToLatest, openDatabase, type DatabaseHandle } from './store/database.js';
import { createStore } from './store/index.js';
import { createOidcStore } from './store/oidc-store.js';
import type { FederationStore } from './domain/federation/ports.js';
import { listenForRevocations } from './store/revocation-listener.js';
import { createSessionCache } from './adapters/session-cache.js';
import { ipPlaces } from './adapters/ip-places.js';
import { Gauge } from 'prom-client';
import { createNoticeDelivery, DEFAULT_DELIVERY, type NoticeDelivery } from './domain/kernel/notice-outbox.js';
import { createFeedDelivery, DEFAULT_FEED_POLICY, type FeedDelivery } from './domain/feed/delivery.js';
import type { EndpointDeps } from './domain/feed/endpoints.js';
import type { FeedStore } from './domain/feed/feed-store.js';
import { createFeedRepo } from './store/feed-repo.js';
import { createWebhookSender } from './adapters/webhook-sender.js';
import type { Kysely } from 'kysely';
import type { Database } from './store/schema.js';

/** How long a committed notice's wake-up waits for the commits behind it (below, at `wake`). */
const NOTICE_GATHER_MS = 50;

/**
 * The composed application: configuration, database, domain dependencies, the log and the price feed.
 * Everything is built here, once; nothing is assigned into it afterwards. Tests build one each.
 */
export interface Kabuto {
  config: Config;
  deps: Deps;
  database: DatabaseHandle;
  /** The process's log (pino): Fastify logs through it, and it is the domain's deps.logger. */
  log: AppLogger;
  /** The simulated prices, seeded from the master secret: every process of one installation quotes the same. */
  prices: PriceFeed;
  /** The four-eyes kinds (src/domain/operators/desk-actions.ts): what a second operator's approval runs. */
  approvalKinds: ApprovalKinds;
  /** Resolves when the database answers (readiness). */
  ping(): Promise<void>;
  /** What the development senders wrote (served at /api/dev/outbox when enabled). */
  devOutbox: Pick<OutboxStore, 'list'>;
  hasherStats(): HasherStats;
  /** Loads what the first requests would otherwise wait for (the offline IP data): the server calls it before it listens. */
  warm(): void;
  /** Prometheus registry and counters of this instance (served at /metrics). */
  metrics: Metrics;
  /** Set on SIGTERM: /readyz answers 503 so the load balancer stops sending requests here. */
  lifecycle: { draining: boolean };
  /** The sender of the durable notice outbox (running on a timer in every instance). */
  notices: NoticeDelivery;
  /** The signed event feed: its store, the endpoints' dependencies and the webhook delivery worker (every instance). */
  feed: KabutoFeed;
  /** The OpenID Provider's storage (its models, signing keys, redemptions): docs/oidc.md. */
  federation: FederationStore;
  /** Extension points for features composed later (the ledger credits opening cash). */
  hooks: KabutoHooks;
  close(): Promise<void>;
}

export interface KabutoHooks {
  onInitialCash(customer: CustomerRecord, amount: number): Promise<void>;
}

export interface KabutoOverrides extends Partial<Omit<Deps, 'policy' | 'store' | 'secrets'>> {
  policy?: Partial<SecurityPolicy>;
  /** PostgreSQL schema (tests isolate each file in its own). */
  schema?: string;
  hasherConcurrency?: number;
  hasherMaxQueue?: number;
  /** Where the log's JSON lines go: stdout unless told (the CLI keeps stdout for its output; tests collect them). */
  logStream?: NodeJS.WritableStream;
}

export async function createKabuto(config: Config, overrides: KabutoOverrides = {}): Promise<Kabuto> {
  const schema = overrides.schema ?? config.databaseSchema;
  if (isPostgresUrl(config.databaseUrl)) {
    // Migrations on a connection of their own, with long (bounded) time-outs: not the serving pool's.
    const migrations = openDatabase(config.databaseUrl, { poolSize: 1, schema, ...MIGRATION_TIMEOUTS, connectTimeoutMs: Math.max(config.databaseConnectTimeoutMs, 10_000) });
    try {
      await migrateToLatest(migrations.db, schema);
    } finally {
      await migrations.close().catch(() => {});
    }
  }
  const database = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize, schema, connectTimeoutMs: config.databaseConnectTimeoutMs, statementTimeoutMs: config.databaseStatementTimeoutMs });
  if (database.dialect === 'sqlite') {
    try {
      await migrateToLatest(database.db);
    } catch (error) {
      // Nothing may keep the process alive after a failed start.
      await database.close().catch(() => {});
      throw error;
    }
  }
  // A committed notice wakes this instance's sender (within NOTICE_GATHER_MS); the timer catches the
  // rest (retries, notices other instances queued, a wake-up that found a round still running).
  let wake = () => {};
  // Sessions read through a process-local cache; on PostgreSQL it serves nothing until this instance
  // hears every instance's revocations (LISTEN/NOTIFY, below), on SQLite one process owns the file.
  const sessionCache = createSessionCache({ suspended: database.dialect === 'postgres' });
  const store = createStore(database, { afterCommit: () => wake(), sessionCache });
  const secrets = deriveSecrets(config.secret);
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const hasher = createArgon2Hasher({ pepper: secrets.pepper, concurrency: overrides.hasherConcurrency, maxQueue: overrides.hasherMaxQueue });
  // Without real providers configured, messages go to the dev outbox (served only when enabled).
  const outbox = createDevOutbox(store.outbox, clock, random);
  const provider = config.smsAccountSid
    ? createHttpSmsProvider({
        apiUrl: config.smsApiUrl,
        accountSid: config.smsAccountSid,
        authToken: config.smsAuthToken!,
        smsFrom: config.smsFrom!,
        voiceFrom: config.voiceFrom,
        timeoutMs: config.smsTimeoutMs,
      })
    : undefined;
  const smtp = config.smtpUrl ? createSmtpEmail({ url: config.smtpUrl, from: config.mailFrom, fromName: overrides.firmName ?? config.firmName, timeoutMs: config.smtpTimeoutMs }) : undefined;
  const metrics = createMetrics(() => hasher.stats());
  const log = createAppLogger(config, overrides.logStream);
  const deps: Deps = {
    store,
    clock,
    random,
    hasher: overrides.hasher ?? hasher,
    sms: overrides.sms ?? provider ?? outbox,
    voice: overrides.voice === undefined ? (provider ?? outbox) : overrides.voice,
    email: overrides.email ?? smtp ?? outbox,
    logger: overrides.logger ?? log,
    events: overrides.events ?? metrics.events,
    // Loaded once per process, at the first lookup (the server warms it before it listens).
    places: overrides.places ?? ipPlaces,
    firmName: overrides.firmName ?? config.firmName,
    secrets,
    policy: createPolicy({ mfaRequired: config.mfaRequired, phishingResistant: config.phishingResistant, newDeviceStepUp: config.newDeviceStepUp, deviceTrustMs: config.deviceTrustDays * 24 * 3600_000, ...(config.riskPolicy ? { risk: config.riskPolicy } : {}), ...overrides.policy }),
  };
  // Which phishing-resistance policy is in force, and where it departs from the guideline's (docs/operators.md).
  const departures = departuresFromGuideline(deps.policy);
  if (departures.length > 0 && config.mode === 'production') log.warn({ policy: describePolicy(deps.policy), departures }, 'security policy: departs from the guideline');
  else log.info({ policy: describePolicy(deps.policy), departures }, 'security policy in force');
  const notices = createNoticeDelivery({
    queue: store.notices,
    email: deps.email,
    sms: deps.sms,
    clock,
    random,
    logger: deps.logger,
    events: metrics.notices,
    // A claim outlives any send (bounded by the SMTP time-outs): past it, another instance may retry.
    policy: { ...DEFAULT_DELIVERY, maxAttempts: config.noticeMaxAttempts, baseDelayMs: config.noticeRetryMs, leaseMs: Math.max(10_000, 4 * config.smtpTimeoutMs) },
  });
  // What waits in the queue (all instances): read from the database at each scrape.
  new Gauge({
    name: 'kabuto_notices_queued',
    help: 'Notices in the outbox not yet sent: pending (to be retried) and dead (need an operator)',
    labelNames: ['status'],
    registers: [metrics.registry],
    async collect() {
      try {
        const counts = await store.notices.counts();
        this.set({ status: 'pending' }, counts.pending);
        this.set({ status: 'dead' }, counts.dead);
      } catch {
        // The database is down: /readyz says so; the scrape still answers.
      }
    },
  });
  let stopped = false;
  let lastLoopError = 0;
  const tick = () => {
    if (stopped) return;
    // Rounds until the due notices are sent (notice-outbox.ts), not one batch a tick.
    notices.deliverDue().catch((error: unknown) => {
      // The database is down: said once a minute, not once a tick.
      if (Date.now() - lastLoopError > 60_000) deps.logger.warn({ err: error }, 'notice sender: the queue cannot be read; retrying');
      lastLoopError = Date.now();
    });
  };
  // The commits of the next NOTICE_GATHER_MS join the first one's wake-up: their notices go in one
  // round (one claim, one mark, for up to a batch) instead of a round each, two write transactions
  // per notice (each of them a round trip on PostgreSQL, a WAL commit on SQLite) at the rate of
  // sign-ins from new devices.
  let woken = false;
  wake = () => {
    if (woken || stopped) return;
    woken = true;
    setTimeout(() => {
      woken = false;
      tick();
    }, NOTICE_GATHER_MS).unref();
  };
  const timer = setInterval(tick, config.noticePollMs);
  timer.unref();
  const feed = createFeed(config, deps, database.db, metrics);
  const prices = createPriceFeed({ clock, seed: Buffer.from(hmacHex(secrets.codeKey, 'price-feed'), 'hex') });
  const revocations =
    database.dialect === 'postgres' ? listenForRevocations(config.databaseUrl, sessionCache, { connectTimeoutMs: config.databaseConnectTimeoutMs, logger: deps.logger }) : undefined;
  return {
    config,
    deps,
    database,
    log,
    prices,
    approvalKinds: approvalKinds(prices),
    ping: () => store.ping(),
    devOutbox: { list: (recipient, limit) => store.outbox.list(recipient, limit) },
    hasherStats: () => hasher.stats(),
    warm: () => {
      if (!overrides.places) ipPlaces.warm();
    },
    metrics,
    notices,
    feed,
    lifecycle: { draining: false },
    federation: createOidcStore(database.db, database.dialect),
    hooks: {
      // Opening cash from the firm's records (admin API, demo seed): a ledger entry like any other.
      async onInitialCash(customer, amount) {
        const entry = await depositCash(deps, customer.id, amount, 'opening', 'admin');
        if (isFailure(entry)) throw new Error(`opening cash refused: ${entry.code}`);
      },
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      await revocations?.close();
      // A round in flight finishes (bounded by the SMTP time-outs); what it did not claim waits in the queue.
      await notices.settled();
      await feed.close();
      smtp?.close();
      return database.close();
    },
  };
}

export interface KabutoFeed {
  store: FeedStore;
  /** What the endpoint functions (admin API, CLI) take. */
  deps: EndpointDeps;
  /** The webhook sender, on a timer in every instance. */
  delivery: FeedDelivery;
  close(): Promise<void>;
}

/** The signed event feed (src/domain/feed, docs/events.md): derived from the audit chain, delivered to webhooks. */
function createFeed(config: Config, deps: Deps, db: Kysely<Database>, metrics: Metrics): KabutoFeed {
  const store = createFeedRepo(db);
  // Plain http:// endpoints only outside production.
  const allowHttp = config.mode !== 'production';
  const policy = { ...DEFAULT_FEED_POLICY, maxAttempts: config.webhookMaxAttempts, baseDelayMs: config.webhookRetryMs, timeoutMs: config.webhookTimeoutMs };
  const delivery = createFeedDelivery({
    feed: store,
    sender: createWebhookSender({ timeoutMs: config.webhookTimeoutMs, allowHttp }),
    clock: deps.clock,
    random: deps.random,
    logger: deps.logger,
    secrets: deps.secrets,
    events: metrics.webhooks,
    policy,
  });
  new Gauge({
    name: 'kabuto_webhooks_queued',
    help: 'Webhook deliveries not yet made: pending (being retried) and dead (need an operator)',
    labelNames: ['status'],
    registers: [metrics.registry],
    async collect() {
      try {
        const counts = await store.counts();
        this.set({ status: 'pending' }, counts.pending);
        this.set({ status: 'dead' }, counts.dead);
      } catch {
        // The database is down: /readyz says so.
      }
    },
  });
  let stopped = false;
  let lastError = 0;
  const timer = setInterval(() => {
    if (stopped) return;
    delivery.deliverDue().catch((error: unknown) => {
      if (Date.now() - lastError > 60_000) deps.logger.warn({ err: error }, 'webhook sender: the feed cannot be read; retrying');
      lastError = Date.now();
    });
  }, config.webhookPollMs);
  timer.unref();
  return {
    store,
    deps: { ...deps, feed: store, settings: { allowHttp } },
    delivery,
    async close() {
      stopped = true;
      clearInterval(timer);
      // Rounds in flight finish (bounded by the POST time-out); what they did not send waits in the queue.
      await delivery.settled();
    },
  };
}
