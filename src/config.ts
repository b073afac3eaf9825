import { ConfigError, VARIABLES, type Variable } from './config-variables.js';

// The one place process.env is read: validated once, frozen, passed down. What each variable means,
// its default and its validation are declared in config-variables.ts.

export { ConfigError };

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
  readonly publicOrigin: string | undefined;
  readonly trustProxy: boolean;
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
  /** PostgreSQL: connect (and pool wait) time-out, statement time-out. */
  readonly databaseConnectTimeoutMs: number;
  readonly databaseStatementTimeoutMs: number;
  /** /readyz answers false past this. */
  readonly readyTimeoutMs: number;
  /** SIGTERM: keep serving (with /readyz false) this long, then drain; exit by the deadline whatever happens. */
  readonly shutdownGraceMs: number;
  readonly shutdownTimeoutMs: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface VariableReport {
  key: keyof Config;
  variable: Variable<unknown>;
  /** `set` from the environment, `default` when unset or empty, `wrong` when it did not validate. */
  status: 'set' | 'default' | 'wrong';
  value?: unknown;
  problem?: string;
}

/** Every variable parsed, none thrown: what `kabuto config check` prints and loadConfig builds from. */
export function inspectConfig(env: Env, options: { readOnly?: boolean } = {}): VariableReport[] {
  const reports: VariableReport[] = [];
  // The mode decides other defaults, so it is read first; a wrong one is reported and development assumed.
  let mode: Mode = 'development';
  for (const key of Object.keys(VARIABLES) as Array<keyof Config>) {
    const variable = VARIABLES[key] as Variable<unknown>;
    // Empty counts as unset: container files often pass `KABUTO_X=` for "not configured".
    const raw = env[variable.name] || undefined;
    try {
      const value = variable.parse(raw, { mode, env, readOnly: options.readOnly ?? false });
      if (key === 'mode') mode = value as Mode;
      reports.push({ key, variable, status: raw === undefined ? 'default' : 'set', value });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      reports.push({ key, variable, status: 'wrong', problem: `${variable.name} ${error.message}` });
    }
  }
  return reports;
}

export function loadConfig(env: Env = process.env): Config {
  const reports = inspectConfig(env);
  const wrong = reports.find((r) => r.status === 'wrong');
  if (wrong) throw new ConfigError(wrong.problem);
  return Object.freeze(Object.fromEntries(reports.map((r) => [r.key, r.value]))) as unknown as Config;
}
