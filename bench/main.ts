import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serveBare } from './bare.js';
import { serveWithOneHashThread, serveWithStubHasher } from './stub-hash-server.js';
import { measureBound } from './bound.js';
import { postgresReachable, type Dialect } from './databases.js';
import { benchKabuto, type Settings } from './kabuto-figures.js';
import { benchPeer, installPeer } from './peer-figures.js';
import { ROOT } from './processes.js';
import { compare, table, targetsOf, type Results } from './report.js';

const USAGE = `Usage: npm run bench -- [--quick] [--dialect sqlite|postgres] [--no-peer]

Measures Kabuto against the cost of one argon2id hash, against bare Fastify and against better-auth,
on SQLite and (when reachable) PostgreSQL; prints one table and writes bench/results.json.
  --quick     short runs: a sanity check, not figures to quote
              (a quick or partial run writes bench/results-partial.json, never results.json)
  --dialect   only this database kind
  --no-peer   skip better-auth
  --report    no run: print the table of bench/results.json and put it in bench/README.md`;

// About 15 minutes for both database kinds with the peer.
const FULL: Settings = {
  timing: { warmupSeconds: 2, seconds: 8 },
  hashConnections: 16,
  readConnections: 32,
  floodConnections: 256,
  floodSeconds: 8,
  failureSamples: 24,
  fillerSessions: 100_000,
  boundSeconds: 3,
  signInRounds: 3,
  readPairs: 3,
  roundSeconds: 5,
  growth: { customers: 1_000_000, sessions: 1_000_000 },
};

const QUICK: Settings = {
  timing: { warmupSeconds: 1, seconds: 3 },
  hashConnections: 16,
  readConnections: 32,
  floodConnections: 256,
  floodSeconds: 3,
  failureSamples: 6,
  fillerSessions: 100_000,
  boundSeconds: 1.5,
  signInRounds: 2,
  readPairs: 1,
  roundSeconds: 2,
  growth: { customers: 200_000, sessions: 200_000 },
};

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { report: { type: 'boolean' }, quick: { type: 'boolean' }, dialect: { type: 'string' }, 'no-peer': { type: 'boolean' }, child: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // The bench's own child processes: the bare Fastify baseline and the argon2 bound.
  if (values.child === 'bare') {
    await serveBare();
    return 0;
  }
  if (values.child === 'stub-hash') {
    await serveWithStubHasher();
    return 0;
  }
  if (values.child === 'one-hash-thread') {
    await serveWithOneHashThread();
    return 0;
  }
  if (values.child === 'bound') {
    const threads = process.env.KABUTO_BENCH_BOUND_THREADS ? Number(process.env.KABUTO_BENCH_BOUND_THREADS) : undefined;
    console.log(JSON.stringify(await measureBound(Number(process.env.KABUTO_BENCH_BOUND_SECONDS ?? 5), threads)));
    return 0;
  }

  if (values.report) {
    const saved = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as Results;
    console.log(publish(saved, true));
    return 0;
  }

  const settings = values.quick ? QUICK : FULL;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const wanted: Dialect[] = values.dialect ? [values.dialect as Dialect] : ['sqlite', 'postgres'];
  const results: Results = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    },
    mode: values.quick ? 'quick' : 'full',
    settings,
    dialects: {},
    skipped: {},
    targets: [],
  };
  if (!values['no-peer']) installPeer(log);
  for (const dialect of wanted) {
    if (dialect === 'postgres' && !(await postgresReachable())) {
      results.skipped.postgres = 'PostgreSQL not reachable (KABUTO_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)';
      log(results.skipped.postgres);
      continue;
    }
    log(`${dialect}: Kabuto`);
    const kabuto = await benchKabuto(dialect, settings, log);
    let peer: Awaited<ReturnType<typeof benchPeer>> | { missing: string } = { missing: 'skipped (--no-peer)' };
    if (!values['no-peer']) {
      log(`${dialect}: better-auth`);
      peer = await benchPeer(dialect, settings, log);
    }
    results.dialects[dialect] = { kabuto, peer, versusPeer: compare(kabuto, peer) };
  }
  results.targets = targetsOf(results.dialects);
  results.machine.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
  // Only a complete run (full length, both kinds, the peer) is results.json; anything else is a check.
  const complete = !values.quick && !values.dialect && !values['no-peer'];
  const file = join(ROOT, 'bench', complete ? 'results.json' : 'results-partial.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(publish(results, complete));
  console.log(`\nwritten: ${file}`);
  return 0;
}

/** The table with its heading; a full run also replaces the table in bench/README.md. */
function publish(results: Results, toReadme: boolean): string {
  const m = results.machine;
  const load = (m.loadAverageAtStart as number[]).join(' ');
  const heading = `Kabuto bench, ${results.date}, ${String(m.cpu)} × ${String(m.cores)} cores, ${String(m.memoryGiB)} GiB, Node ${String(m.node)}, load average ${load} at the start (${results.mode} run)`;
  const section = `${heading}\n\n${table(results)}`;
  if (toReadme) updateReadme(section);
  const missed = results.targets.filter((t) => !t.met).map((t) => `target not met: ${t.figure} on ${t.dialect}: ${t.value.toFixed(2)} (${t.target})`);
  return `\n${section}\n\n${missed.join('\n')}`;
}

function updateReadme(section: string): void {
  const file = join(ROOT, 'bench', 'README.md');
  const text = readFileSync(file, 'utf8');
  const updated = text.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, `<!-- results:start -->\n${section}\n<!-- results:end -->`);
  if (updated !== text) writeFileSync(file, updated);
}
