import { COMMAND_INPUTS, ConfigError, VARIABLES, type Config, type Mode, type Variable } from './config-variables.js';

// The one place process.env is read: validated once, frozen, passed down. What each variable means,
// its default and its validation are declared in config-variables.ts.

export { ConfigError };

export type { Config };

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

/** KABUTO_* names that no one reads: most often a misspelling that silently leaves a default on. */
export function unknownVariables(env: Env): Array<{ name: string; suggestion?: string }> {
  const known = [...Object.values(VARIABLES).map((v) => v.name), ...Object.keys(COMMAND_INPUTS)];
  // KABUTO_TEST_* and KABUTO_BENCH_* belong to the test suite and the benchmark.
  return Object.keys(env)
    .filter((name) => name.startsWith('KABUTO_') && !name.startsWith('KABUTO_TEST_') && !name.startsWith('KABUTO_BENCH_') && !known.includes(name))
    .sort()
    .map((name) => {
      const nearest = known.map((k) => ({ k, d: editDistance(name, k) })).sort((a, b) => a.d - b.d)[0];
      return nearest && nearest.d <= Math.max(2, Math.floor(name.length / 5)) ? { name, suggestion: nearest.k } : { name };
    });
}

export function describeUnknown(unknown: { name: string; suggestion?: string }): string {
  return `${unknown.name} is not a Kabuto variable${unknown.suggestion ? ` (did you mean ${unknown.suggestion}?)` : ' (misspelt?)'}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The configuration, or a ConfigError listing every problem at once (one per line): wrong values,
 * and unknown KABUTO_* names (a typo such as KABUTO_DATABSE_URL would otherwise start on a default).
 */
export function loadConfig(env: Env = process.env): Config {
  const reports = inspectConfig(env);
  const problems = [...reports.filter((r) => r.status === 'wrong').map((r) => r.problem ?? r.variable.name), ...unknownVariables(env).map(describeUnknown)];
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  const config = Object.fromEntries(reports.map((r) => [r.key, r.value])) as unknown as Config;
  if (config.shutdownGraceMs >= config.shutdownTimeoutMs) throw new ConfigError('KABUTO_SHUTDOWN_GRACE_MS must be shorter than KABUTO_SHUTDOWN_TIMEOUT_MS');
  return Object.freeze(config);
}
