import type { Dialect } from './databases.js';
import type { KabutoFigures } from './kabuto-figures.js';
import type { PeerFigures } from './peer-figures.js';

export interface DialectResult {
  kabuto: KabutoFigures;
  peer: PeerFigures | { missing: string };
  /** Kabuto / better-auth, same load, same database kind. */
  versusPeer: { signIn: number; twoFactor: number; read: number } | { missing: string };
}

export interface Results {
  date: string;
  machine: Record<string, unknown>;
  mode: 'full' | 'quick';
  settings: unknown;
  dialects: Partial<Record<Dialect, DialectResult>>;
  skipped: Partial<Record<Dialect, string>>;
  targets: Array<{ figure: string; dialect: Dialect; target: string; value: number; met: boolean }>;
}

export function compare(kabuto: KabutoFigures, peer: PeerFigures | { missing: string }): DialectResult['versusPeer'] {
  if ('missing' in peer) return { missing: peer.missing };
  return {
    signIn: kabuto.signIn.perSecond / peer.signIn.perSecond,
    twoFactor: kabuto.twoFactor.perSecond / peer.twoFactor.perSecond,
    read: (kabuto.reads['/api/v1/me']?.kabuto.perSecond ?? NaN) / peer.read.perSecond,
  };
}

export function targetsOf(dialects: Results['dialects']): Results['targets'] {
  const targets: Results['targets'] = [];
  for (const [dialect, result] of Object.entries(dialects) as Array<[Dialect, DialectResult]>) {
    const { kabuto } = result;
    const signIn = kabuto.signIn.ratioToBound;
    targets.push({ figure: 'sign-in (password) / argon2id bound', dialect, target: '≥ 0.9', value: signIn, met: signIn >= 0.9 });
    const share = kabuto.bound.cpuMsPerHash / kabuto.signIn.serverCpuMsPerOk;
    targets.push({ figure: "sign-in: the hash's share of its CPU", dialect, target: '≥ 0.9', value: share, met: share >= 0.9 });
    if (kabuto.signInOneHashThread) {
      const pinned = kabuto.signInOneHashThread.ratioToBound;
      targets.push({ figure: 'sign-in, one hashing thread / bound on one thread', dialect, target: '≥ 0.9', value: pinned, met: pinned >= 0.9 });
    }
    const flow = kabuto.twoFactor.ratioToBound;
    targets.push({ figure: 'sign-in + SMS code / argon2id bound', dialect, target: '≥ 0.8', value: flow, met: flow >= 0.8 });
    if (kabuto.growth && !('missing' in kabuto.growth)) {
      for (const [name, value] of Object.entries(kabuto.growth.ratios)) {
        targets.push({ figure: `growth: ${name === 'signIn' ? 'sign-in' : `GET ${name}`} at 1M / at 100k`, dialect, target: '≥ 0.9', value, met: value >= 0.9 });
      }
    }
    for (const [path, read] of Object.entries(result.kabuto.reads)) {
      targets.push({ figure: `GET ${path} / bare Fastify`, dialect, target: '≥ 0.5', value: read.ratio, met: read.ratio >= 0.5 });
    }
  }
  return targets;
}

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '—');
const cpu = (value: number) => (Number.isFinite(value) ? `${value < 1 ? value.toFixed(3) : value.toFixed(1)} ms` : '—');
// autocannon's latencies are whole milliseconds: 0 means under one.
const ms = (value: number) => (Number.isFinite(value) ? (value === 0 ? '< 1 ms' : `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`) : '—');

/** One markdown table: a row per figure, a column per database kind. */
export function table(results: Results): string {
  const dialects = Object.keys(results.dialects) as Dialect[];
  const cell = (f: (r: DialectResult) => string) => dialects.map((d) => f(results.dialects[d]!));
  const hashCpu = (r: DialectResult) => r.kabuto.bound.cpuMsPerHash;
  const rows: Array<[string, string[], string]> = [
    [
      'argon2id bound (m=19456 KiB, t=2, p=1)',
      cell((r) => {
        const all = r.kabuto.bound.samples.map((b) => b.hashesPerSecond);
        return `${n(r.kabuto.bound.hashesPerSecond, 1)} hashes/s on ${r.kabuto.bound.concurrency} threads (median of ${all.length}: ${n(Math.min(...all))}–${n(Math.max(...all))}); CPU ${cpu(hashCpu(r))} per hash`;
      }),
      '',
    ],
    [
      '1. sign-in, password only',
      cell((r) => `**${ratio(r.kabuto.signIn.ratioToBound)}** of the bound (median of ${r.kabuto.signIn.rounds.length} rounds: ${r.kabuto.signIn.rounds.map((x) => ratio(x.ratio)).join(', ')}; ${n(r.kabuto.signIn.perSecond, 1)}/s, p50 ${ms(r.kabuto.signIn.p50Ms)}, p99 ${ms(r.kabuto.signIn.p99Ms)}); CPU ${cpu(r.kabuto.signIn.serverCpuMsPerOk)} per sign-in (event loop ${cpu(r.kabuto.signIn.loopCpuMsPerOk)}): the hash is **${ratio(hashCpu(r) / r.kabuto.signIn.serverCpuMsPerOk)}** of it`),
      '≥ 0.9',
    ],
    [
      '1. the same, from the customers\' own browsers (device cookies)',
      cell((r) => {
        const known = r.kabuto.signInKnownDevice;
        if (!known) return 'missing';
        return `**${ratio(known.ratioToBound)}** of the bound (${n(known.perSecond, 1)}/s vs ${n(known.boundPerSecond, 1)} hashes/s; p50 ${ms(known.p50Ms)}, p99 ${ms(known.p99Ms)}); CPU ${cpu(known.serverCpuMsPerOk)} per sign-in: the hash is **${ratio(known.cpuMsPerHash / known.serverCpuMsPerOk)}** of it`;
      }),
      '',
    ],
    [
      '1. the same, hasher stubbed out',
      cell((r) => {
        const own = r.kabuto.signInStubHash;
        return `Kabuto's own work: CPU ${cpu(own.serverCpuMsPerOk)} per sign-in (event loop ${cpu(own.loopCpuMsPerOk)}), ${n(own.perSecond)}/s: the hash would be **${ratio(hashCpu(r) / (hashCpu(r) + own.serverCpuMsPerOk))}** of a sign-in's CPU if that work ran at this speed beside the hashing threads`;
      }),
      '',
    ],
    [
      '1. the same stubbed, at the real sign-in\'s rate: alone, and beside argon2id hashing on every core',
      cell((r) => {
        const b = r.kabuto.signInStubHashAtRate;
        if (!b) return 'missing';
        const alone = (b.alone.serverCpuMsPerOk + b.aloneAfter.serverCpuMsPerOk) / 2;
        const aloneLoop = (b.alone.loopCpuMsPerOk + b.aloneAfter.loopCpuMsPerOk) / 2;
        const saturated = r.kabuto.signInStubHash.serverCpuMsPerOk;
        return `The stub waits ${n(b.waitMs)} ms: alone ${n(b.alone.perSecond)}/s, CPU ${cpu(alone)} per sign-in (event loop ${cpu(aloneLoop)}; before and after), **×${ratio(alone / saturated)}** the CPU at full speed; beside another process hashing on every core (${n(b.hashesPerSecond, 1)} hashes/s) ${n(b.beside.perSecond)}/s, CPU ${cpu(b.beside.serverCpuMsPerOk)} (event loop ${cpu(b.beside.loopCpuMsPerOk)}), **×${ratio(b.beside.serverCpuMsPerOk / alone)}** again. At that cost the hash would be **${ratio(hashCpu(r) / (hashCpu(r) + b.beside.serverCpuMsPerOk))}** of a sign-in's CPU`;
      }),
      '',
    ],
    [
      '1. the same, one hashing thread',
      cell((r) => {
        const one = r.kabuto.signInOneHashThread;
        if (!one) return 'missing';
        return `**${ratio(one.ratioToBound)}** of the bound on one thread (${n(one.perSecond, 1)}/s vs ${n(one.boundPerSecond, 1)} hashes/s; p50 ${ms(one.p50Ms)}); CPU ${cpu(one.serverCpuMsPerOk)} per sign-in: the hash is **${ratio(one.cpuMsPerHash / one.serverCpuMsPerOk)}** of it`;
      }),
      '≥ 0.9',
    ],
    [
      '2. sign-in + SMS code (4 requests)',
      cell((r) => `**${ratio(r.kabuto.twoFactor.ratioToBound)}** of the bound (${n(r.kabuto.twoFactor.perSecond, 1)} flows/s, p50 ${ms(r.kabuto.twoFactor.p50Ms)}, p99 ${ms(r.kabuto.twoFactor.p99Ms)}); CPU ${cpu(r.kabuto.twoFactor.serverCpuMsPerFlow)} per flow: the hash is **${ratio(hashCpu(r) / r.kabuto.twoFactor.serverCpuMsPerFlow)}** of it`),
      '≥ 0.8',
    ],
  ];
  for (const path of ['/api/v1/me', '/api/v1/account']) {
    rows.push([
      `3. GET ${path} / bare Fastify`,
      cell((r) => {
        const read = r.kabuto.reads[path];
        if (!read) return 'missing';
        const pairs = read.pairs && read.pairs.length > 1 ? `median of ${read.pairs.length} pairs: ${read.pairs.map(ratio).join(', ')}; ` : '';
        return `**${ratio(read.ratio)}** (${pairs}${n(read.kabuto.perSecond)}/s vs ${n(read.bare.perSecond)}/s; p50 ${ms(read.kabuto.p50Ms)} vs ${ms(read.bare.p50Ms)}, p99 ${ms(read.kabuto.p99Ms)} vs ${ms(read.bare.p99Ms)}); CPU ${cpu(read.kabuto.serverCpuMsPerOk)} vs ${cpu(read.bare.serverCpuMsPerOk)} per answer: **${ratio(read.bare.serverCpuMsPerOk / read.kabuto.serverCpuMsPerOk)}**`;
      }),
      '≥ 0.5',
    ]);
  }
  const growth = (r: DialectResult) => r.kabuto.growth;
  if (dialects.some((d) => growth(results.dialects[d]!))) {
    rows.push([
      '3b. growth: 1M customers, 1M more live sessions (after / before)',
      cell((r) => {
        const g = growth(r);
        if (!g) return 'PostgreSQL only';
        if ('missing' in g) return `missing: ${g.missing}`;
        const read = (path: string) => `${path.replace('/api/v1/', '/')} **${ratio(g.ratios[path] ?? NaN)}** (${n(g.before.reads[path]?.perSecond ?? NaN)} → ${n(g.after.reads[path]?.perSecond ?? NaN)}/s, CPU ${cpu(g.before.reads[path]?.serverCpuMsPerOk ?? NaN)} → ${cpu(g.after.reads[path]?.serverCpuMsPerOk ?? NaN)})`;
        return `${n(g.grown.customers)} customers, ${n(g.grown.liveSessions)} live sessions (seeded in ${n(g.grown.seedSeconds)} s): sign-in **${ratio(g.ratios.signIn ?? NaN)}** (${ratio(g.before.signIn.ratioToBound)} → ${ratio(g.after.signIn.ratioToBound)} of the bound; CPU ${cpu(g.before.signIn.serverCpuMsPerOk)} → ${cpu(g.after.signIn.serverCpuMsPerOk)}); ${read('/api/v1/me')}; ${read('/api/v1/account')}`;
      }),
      '≥ 0.9',
    ]);
  }
  rows.push([
    '4. withdrawals (trading password, ledger, key, notice)',
    cell((r) => ('missing' in r.kabuto.withdrawals ? `missing: ${r.kabuto.withdrawals.missing}` : `${n(r.kabuto.withdrawals.perSecond, 1)}/s, p99 ${ms(r.kabuto.withdrawals.p99Ms)} (${ratio(r.kabuto.withdrawals.ratioToBound)} of the bound; one hash: the trading password); CPU ${cpu(r.kabuto.withdrawals.serverCpuMsPerOk)} per withdrawal`)),
    '',
  ]);
  const peer = (f: (v: { signIn: number; twoFactor: number; read: number }, p: PeerFigures) => string) =>
    cell((r) => ('missing' in r.versusPeer || 'missing' in r.peer ? `missing: ${'missing' in r.peer ? r.peer.missing : ''}` : f(r.versusPeer, r.peer)));
  rows.push(
    ['5. Kabuto / better-auth: sign-in', peer((v, p) => `**${ratio(v.signIn)}** (better-auth ${n(p.signIn.perSecond, 1)}/s; CPU ${cpu(p.signIn.serverCpuMsPerOk)} per sign-in)`), ''],
    ['5. Kabuto / better-auth: sign-in + code', peer((v, p) => `**${ratio(v.twoFactor)}** (better-auth ${n(p.twoFactor.perSecond, 1)} flows/s; CPU ${cpu(p.twoFactor.serverCpuMsPerFlow)} per flow)`), ''],
    ['5. Kabuto / better-auth: signed-in read', peer((v, p) => `**${ratio(v.read)}** (GET /api/v1/me vs ${p.read.path} ${n(p.read.perSecond)}/s; CPU ${cpu(p.read.serverCpuMsPerOk)} per answer)`), ''],
    ['6. RSS, idle / after reads', cell((r) => `${r.kabuto.memory.idleRssMiB} / ${r.kabuto.memory.afterReadsRssMiB} MiB with ${n(r.kabuto.memory.liveSessions)} live sessions`), ''],
    [
      '6. RSS peak under a login flood',
      cell((r) => {
        const f = r.kabuto.memory.flood;
        return `${f.peakRssMiB} MiB (${f.connections} connections, ${f.seconds} s: ${Object.entries(f.statuses).map(([code, count]) => `${count}×${code}`).join(', ')})`;
      }),
      '',
    ],
    [
      'sign-in failure paths, median',
      cell((r) => {
        const p = r.kabuto.failurePaths;
        const m = (k: string) => ms(p[k]?.medianMs ?? NaN);
        return `unknown ID ${m('unknownLoginId')} · wrong password ${m('wrongPassword')} · locked ${m('lockedAccount')} (right password ${m('rightPassword')})`;
      }),
      'alike',
    ],
  );
  const header = `| figure | ${dialects.map((d) => (d === 'sqlite' ? 'SQLite' : 'PostgreSQL')).join(' | ')} | target |`;
  const rule = `| --- | ${dialects.map(() => '---').join(' | ')} | --- |`;
  return [header, rule, ...rows.map(([name, cells, target]) => `| ${name} | ${cells.join(' | ')} | ${target} |`)].join('\n');
}
