import { describeUnknown, inspectConfig, unknownVariables, type Env, type VariableReport } from '../config.js';
import { COMMAND_INPUTS, VARIABLES } from '../config-variables.js';
import type { Command } from './command.js';
import { describePolicy } from '../domain/kernel/policy.js';

function shown(report: VariableReport): string {
  if (report.status === 'wrong') return report.problem ?? '';
  const { value } = report;
  // Secrets are confirmed present, never printed: this output lands in terminals and CI logs.
  if (report.variable.secret && report.status === 'set') return Buffer.isBuffer(value) ? `(hidden, ${value.length} bytes)` : '(hidden)';
  if (Buffer.isBuffer(value)) return report.variable.defaultText.replace(/`/g, '');
  // A PostgreSQL URL may carry a password: the rest of it is worth seeing.
  if (typeof value === 'string' && /^postgres(ql)?:\/\//.test(value)) return value.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
  if (value instanceof Set) return [...value].join(',') || '(none)';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return value === undefined ? '(unset)' : String(value);
}

export function formatConfigCheck(env: Env): { text: string; ok: boolean; problems: string[] } {
  const reports = inspectConfig(env, { readOnly: true });
  const width = Math.max(...reports.map((r) => r.variable.name.length));
  const lines = reports.map((r) => `${r.status.padEnd(7)}  ${r.variable.name.padEnd(width)}  ${shown(r)}`);
  const unknown = unknownVariables(env);
  for (const u of unknown) lines.push(`${'unknown'.padEnd(7)}  ${u.name.padEnd(width)}  not a Kabuto variable${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ' (misspelt?)'}`);
  // An unknown name is a problem too: `serve` refuses to start with one.
  const problems = [...reports.filter((r) => r.status === 'wrong').map((r) => r.problem ?? r.variable.name), ...unknown.map(describeUnknown)];
  const wrong = problems.length;
  const operations = reports.find((r) => r.key === 'phishingResistant' && r.status !== 'wrong')?.value;
  if (operations instanceof Set) lines.push('', `policy: ${describePolicy({ phishingResistant: operations as ReadonlySet<string> })}`);
  lines.push('', wrong ? `${wrong} wrong: the server will not start until ${wrong === 1 ? 'it is' : 'they are'} fixed.` : 'configuration is valid.');
  return { text: lines.join('\n'), ok: wrong === 0, problems };
}

/** The README's configuration table, printed from the same declarations loadConfig uses. */
export function configTable(): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const code = (name: string) => `\`${name}\``;
  return [
    row(['variable', 'default', 'meaning']),
    row(['---', '---', '---']),
    ...Object.values(VARIABLES).map((v) => row([code(v.name), v.defaultText, v.description])),
    ...Object.entries(COMMAND_INPUTS).map(([name, description]) => row([code(name), 'unset', description])),
  ].join('\n');
}

const check: Command = {
  summary: 'validate the KABUTO_* environment: what is set, what is defaulted, what is wrong',
  usage:
    'kabuto config check\n\nReads the environment as `kabuto serve` would, prints every variable (secrets hidden),\n' +
    'names unknown KABUTO_* variables, and exits 2 when a value is wrong or a name unknown.',
  async run() {
    const { text, ok, problems } = formatConfigCheck(process.env);
    console.log(text);
    for (const problem of problems) console.error(`kabuto config check: ${problem}`);
    return ok ? 0 : 2;
  },
};

const table: Command = {
  summary: 'print the configuration table (Markdown) that the README carries',
  usage: 'kabuto config table',
  async run() {
    console.log(configTable());
    return 0;
  },
};

export const commands: Record<string, Command> = { 'config check': check, 'config table': table };
