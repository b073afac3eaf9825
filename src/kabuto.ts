import type { Config } from './config.js';
import { systemClock } from './adapters/clock.js';
import { cryptoRandom } from './adapters/random.js';
import { createArgon2Hasher, type HasherStats } from './adapters/argon2-hasher.js';
import { createDevOutbox } from './adapters/dev-outbox.js';
import { createMetrics, type Metrics } from './adapters/metrics.js';
import { createHttpSmsProvider } from './adapters/http-sms-provider.js';
import { createSmtpEmail } from './adapters/smtp-email.js';
import type { Deps } from './domain/context.js';
import { deriveSecrets } from './domain/crypto.js';
import { isFailure } from './domain/errors.js';
import { depositCash } from './domain/ledger.js';
import { createPolicy, type SecurityPolicy } from './domain/policy.js';
import type { Logger } from './domain/ports.js';
import type { CustomerRecord } from './domain/types.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './store/database.js';
import { createStore } from './store/index.js';

/** The composed application: configuration, database, domain dependencies. Tests build one each. */
export interface Kabuto {
  config: Config;
  deps: Deps;
  database: DatabaseHandle;
  hasherStats(): HasherStats;
  /** Prometheus registry and counters of this instance (served at /metrics). */
  metrics: Metrics;
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
}

const consoleLogger: Logger = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg ?? '', JSON.stringify(obj)),
  error: (obj, msg) => console.error(msg ?? '', JSON.stringify(obj)),
};

export async function createKabuto(config: Config, overrides: KabutoOverrides = {}): Promise<Kabuto> {
  const schema = overrides.schema ?? config.databaseSchema;
  const database = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize, schema });
  await migrateToLatest(database.db, database.dialect === 'postgres' ? schema : undefined);
  const store = createStore(database);
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
  const smtp = config.smtpUrl ? createSmtpEmail({ url: config.smtpUrl, from: config.mailFrom, fromName: overrides.firmName ?? config.firmName }) : undefined;
  const metrics = createMetrics(() => hasher.stats());
  const deps: Deps = {
    store,
    clock,
    random,
    hasher: overrides.hasher ?? hasher,
    sms: overrides.sms ?? provider ?? outbox,
    voice: overrides.voice === undefined ? (provider ?? outbox) : overrides.voice,
    email: overrides.email ?? smtp ?? outbox,
    logger: overrides.logger ?? consoleLogger,
    events: overrides.events ?? metrics.events,
    firmName: overrides.firmName ?? config.firmName,
    secrets,
    policy: createPolicy({ mfaRequired: config.mfaRequired, phishingResistant: config.phishingResistant, newDeviceStepUp: config.newDeviceStepUp, ...overrides.policy }),
  };
  return {
    config,
    deps,
    database,
    hasherStats: () => hasher.stats(),
    metrics,
    hooks: {
      // Opening cash from the firm's records (admin API, demo seed): a ledger entry like any other.
      async onInitialCash(customer, amount) {
        const entry = await depositCash(deps, customer.id, amount, 'opening', 'admin');
        if (isFailure(entry)) throw new Error(`opening cash refused: ${entry.code}`);
      },
    },
    close: () => {
      smtp?.close();
      return database.close();
    },
  };
}
