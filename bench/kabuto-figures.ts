import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, type Dialect } from './databases.js';
import { median, runFlow, runLoad, type FlowFigure, type LoadFigure, type Timing } from './load.js';
import { benchChildArgs, freePort, runBenchChild, spawnServer, type Child } from './processes.js';
import { failurePathMedians, getWithCookies, kabutoFlood, kabutoSignIn, kabutoSignInKnown, kabutoTwoFactor, kabutoWithdrawals, knownBrowsers } from './scenarios.js';
import { PASSWORD, seedKabuto, TRADING_PASSWORD, type Seeded } from './seed.js';
import { growPostgres, type Grown } from './growth.js';

export interface Settings {
  timing: Timing;
  /** Connections of the sign-in, flow and withdrawal runs, and of the read runs. */
  hashConnections: number;
  readConnections: number;
  floodConnections: number;
  floodSeconds: number;
  failureSamples: number;
  fillerSessions: number;
  boundSeconds: number;
  /** Sign-in runs of `roundSeconds`, each between two measurements of the bound. */
  signInRounds: number;
  /** Each read measured in this many pairs (Kabuto, then bare Fastify right after): the figure is the median pair's. */
  readPairs: number;
  roundSeconds: number;
  /** PostgreSQL: the growth figure's customers and live sessions, added after the 100,000-session figures. */
  growth: { customers: number; sessions: number };
}

export interface Bound {
  hashesPerSecond: number;
  concurrency: number;
  msPerHash: number;
  cpuMsPerHash: number;
}

export interface KabutoFigures {
  dialect: Dialect;
  /** Every measurement of the bound in the run; the figures use their median. */
  bound: { samples: Bound[]; hashesPerSecond: number; cpuMsPerHash: number; concurrency: number };
  /** The median round; ratioToBound is the median of the rounds' ratios, each to the bound measured around it. */
  signIn: LoadFigure & { ratioToBound: number; rounds: Array<{ perSecond: number; boundPerSecond: number; ratio: number }> };
  /**
   * The same sign-in from the customers' own browsers (their device cookies): a returning customer's
   * sign-in, which queues no new-device notice. Between two measurements of the bound.
   */
  signInKnownDevice?: LoadFigure & { boundPerSecond: number; ratioToBound: number; cpuMsPerHash: number };
  /** The same sign-in load on Kabuto with its hasher stubbed out: Kabuto's own CPU per sign-in. */
  signInStubHash: LoadFigure;
  /**
   * The stubbed sign-in held down to the real sign-in's rate (the stub waits `waitMs` instead of 5 ms):
   * alone, then while another process hashes with argon2id on every core (the bound's child, as a real
   * sign-in's hashing threads do beside the event loop), then alone once more. Where the real server's
   * own CPU per sign-in comes from: the same work at a lower rate (fewer requests per wake-up of the
   * event loop), then sharing the cores with the hash.
   */
  signInStubHashAtRate?: { waitMs: number; alone: LoadFigure; beside: LoadFigure; aloneAfter: LoadFigure; hashesPerSecond: number };
  /**
   * The same sign-in load on Kabuto with ONE hashing thread, against the bound on one thread: the
   * rate ratio when the hash does not share its core with the event loop, the database and autocannon.
   */
  signInOneHashThread?: LoadFigure & { boundPerSecond: number; ratioToBound: number; cpuMsPerHash: number };
  /** PostgreSQL: the same reads and sign-in at 100,000 live sessions and again after growing the database. */
  growth?: GrowthFigure | { missing: string };
  twoFactor: FlowFigure & { ratioToBound: number };
  /** The median pair's figures and ratios; `pairs`, every pair's ratio (Kabuto's run, then bare Fastify's). */
  reads: Record<string, { kabuto: LoadFigure; bare: LoadFigure; ratio: number; p50Ratio: number; p99Ratio: number; pairs?: number[] }>;
  withdrawals: (LoadFigure & { ratioToBound: number }) | { missing: string };
  failurePaths: Record<string, { medianMs: number; samples: number; statuses: Record<string, number> }>;
  memory: {
    liveSessions: number;
    idleRssMiB: number;
    afterReadsRssMiB: number;
    flood: { connections: number; seconds: number; peakRssMiB: number; statuses: Record<string, number> };
  };
}

export interface GrowthProbe {
  reads: Record<string, LoadFigure>;
  signIn: LoadFigure & { boundPerSecond: number; ratioToBound: number };
}

export interface GrowthFigure {
  grown: Grown;
  before: GrowthProbe;
  after: GrowthProbe;
  /** after / before: requests per second of each read, and the sign-in's ratio to the bound. */
  ratios: Record<string, number>;
}

/**
 * Until the server's notice sender has sent every queued notice (its /metrics gauge of pending notices
 * reads 0): a figure then counts the notices of its own sign-ins, not the backlog of an earlier figure's.
 */
async function noticesSent(url: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const pending = /^kabuto_notices_queued\{status="pending"\} (\d+)$/m.exec(text)?.[1];
    if (pending === '0') return;
    if (Date.now() > deadline) throw new Error(`notices still pending after ${timeoutMs / 1000} s: ${pending ?? 'no gauge'}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const measureBound = (seconds: number, threads?: number) =>
  runBenchChild<Bound>('bound', { KABUTO_BENCH_BOUND_SECONDS: String(seconds), ...(threads ? { KABUTO_BENCH_BOUND_THREADS: String(threads) } : {}) });

/** A sign-in round between two measurements of the bound (on `threads` hashing threads; default every core). */
async function signInRound(url: string, server: Child, seeded: Seeded, settings: Settings, warmupSeconds: number, address: string, threads?: number, requests = kabutoSignIn(seeded.plain, PASSWORD, address)) {
  const before = await measureBound(settings.boundSeconds, threads);
  const figure = await runLoad({ url, cpu: server, connections: settings.hashConnections, requests }, { warmupSeconds, seconds: settings.roundSeconds });
  // The notices the round left queued are sent before the bound is measured, not beside it.
  await noticesSent(url);
  const after = await measureBound(settings.boundSeconds, threads);
  const boundPerSecond = (before.hashesPerSecond + after.hashesPerSecond) / 2;
  return { ...figure, boundPerSecond, ratioToBound: figure.perSecond / boundPerSecond, cpuMsPerHash: (before.cpuMsPerHash + after.cpuMsPerHash) / 2 };
}

async function growthProbe(url: string, server: Child, seeded: Seeded, settings: Settings, address: string): Promise<GrowthProbe> {
  await noticesSent(url);
  const reads: Record<string, LoadFigure> = {};
  for (const path of ['/api/v1/me', '/api/v1/account']) {
    reads[path] = await runLoad({ url, cpu: server, connections: settings.readConnections, requests: getWithCookies(path, seeded.cookies) }, settings.timing);
  }
  const { cpuMsPerHash: _c, ...signIn } = await signInRound(url, server, seeded, settings, 1, address);
  return { reads, signIn };
}

/** Every Kabuto figure on one database kind, the server in a child process. */
export async function benchKabuto(dialect: Dialect, settings: Settings, log: (line: string) => void): Promise<KabutoFigures> {
  const { timing } = settings;
  const bounds: Bound[] = [await measureBound(settings.boundSeconds)];
  const before = bounds[0]!;
  log(`  bound: ${before.hashesPerSecond.toFixed(1)} hashes/s on ${before.concurrency} threads`);

  const database = await freshDatabase(dialect, 'kabuto');
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    KABUTO_HOST: '127.0.0.1',
    KABUTO_PORT: String(port),
    KABUTO_DATABASE_URL: database.url,
    ...(database.schema ? { KABUTO_DATABASE_SCHEMA: database.schema } : {}),
    KABUTO_SECRET: randomBytes(32).toString('hex'),
    KABUTO_ADMIN_TOKEN: randomBytes(16).toString('hex'),
    KABUTO_DEV_OUTBOX: '1',
    KABUTO_SEED_DEMO: '0',
    KABUTO_WEB_ROOT: '/nonexistent',
    KABUTO_LOG_LEVEL: 'warn',
    KABUTO_TRUST_PROXY: '1',
  };
  // A second-factor flow sends one SMS; 9 flows per customer stay under the cap of 10 an hour.
  const perCustomer = 9;
  const expectedFlows = before.hashesPerSecond * (timing.warmupSeconds + timing.seconds) * 1.5 + 20;
  const wrongPerCustomer = 4;
  log('  seeding customers and sessions');
  const seeded = await seedKabuto(env, {
    plain: 64,
    twoFactor: Math.ceil(expectedFlows / perCustomer),
    wrong: Math.ceil(settings.failureSamples / wrongPerCustomer),
    locked: 1,
    fillerSessions: settings.fillerSessions,
  });

  let server: Child | undefined;
  let bare: Child | undefined;
  try {
    server = await spawnServer({ name: 'kabuto', args: ['bin/kabuto.mjs', 'serve'], env, port, readyPath: '/healthz' });
    const url = server.url;
    const idleRssMiB = server.rssMiB();

    // On a shared machine the bound drifts by tens of percent within a minute: each sign-in round
    // is compared with the bound measured just before and just after it.
    log('  sign-in, password only (rounds between measurements of the bound)');
    const rounds: Array<LoadFigure & { boundPerSecond: number; ratio: number }> = [];
    for (let round = 0; round < settings.signInRounds; round++) {
      const figure = await runLoad(
        { url, cpu: server, connections: settings.hashConnections, requests: kabutoSignIn(seeded.plain, PASSWORD, '198.51.100.1') },
        { warmupSeconds: round === 0 ? timing.warmupSeconds : 0, seconds: settings.roundSeconds },
      );
      const previous = bounds[bounds.length - 1]!;
      await noticesSent(url);
      const next = await measureBound(settings.boundSeconds);
      bounds.push(next);
      const boundPerSecond = (previous.hashesPerSecond + next.hashesPerSecond) / 2;
      rounds.push({ ...figure, boundPerSecond, ratio: figure.perSecond / boundPerSecond });
    }
    const medianRound = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
    const { boundPerSecond: _b, ratio: signInRatio, ...signInFigure } = medianRound;
    const signIn = { ...signInFigure, ratioToBound: signInRatio, rounds: rounds.map((r) => ({ perSecond: r.perSecond, boundPerSecond: r.boundPerSecond, ratio: r.ratio })) };
    log('  sign-in from the customers\' own browsers (device cookies)');
    await noticesSent(url);
    const browsers = await knownBrowsers(url, seeded.plain, PASSWORD, '198.51.100.6');
    await noticesSent(url);
    const signInKnownDevice = await signInRound(url, server, seeded, settings, 1, '198.51.100.6', undefined, kabutoSignInKnown(browsers, PASSWORD, '198.51.100.6'));
    log('  sign-in with an SMS code');
    await noticesSent(url);
    const twoFactor = await runFlow(url, settings.hashConnections, kabutoTwoFactor(seeded.twoFactor, PASSWORD, perCustomer), timing, server);
    await noticesSent(url);
    bounds.push(await measureBound(settings.boundSeconds));
    const hashesPerSecond = median(bounds.map((b) => b.hashesPerSecond));

    log('  signed-in reads, and bare Fastify answering the same JSON');
    await noticesSent(url);
    const readPaths = ['/api/v1/me', '/api/v1/account'];
    const fixtures: Record<string, unknown> = {};
    for (const path of readPaths) {
      const response = await fetch(url + path, { headers: { cookie: seeded.cookies[0]! } });
      if (response.ok) fixtures[path] = await response.json();
    }
    const barePort = await freePort();
    bare = await spawnServer({
      name: 'bare',
      args: benchChildArgs('bare'),
      env: { BARE_PORT: String(barePort), BARE_FIXTURES: JSON.stringify(fixtures) },
      port: barePort,
      readyPath: '/healthz',
    });
    // Pairs, each Kabuto's run and bare Fastify's right after it: on a shared machine both rates move
    // within a minute (the bare server's by a third between runs), and one pair would be one draw.
    const reads: KabutoFigures['reads'] = {};
    for (const path of Object.keys(fixtures)) {
      const pairs: Array<{ kabuto: LoadFigure; bare: LoadFigure; ratio: number }> = [];
      for (let pair = 0; pair < settings.readPairs; pair++) {
        const kabuto = await runLoad({ url, cpu: server, connections: settings.readConnections, requests: getWithCookies(path, seeded.cookies) }, timing);
        const baseline = await runLoad({ url: bare.url, cpu: bare, connections: settings.readConnections, requests: getWithCookies(path, seeded.cookies) }, timing);
        pairs.push({ kabuto, bare: baseline, ratio: kabuto.perSecond / baseline.perSecond });
      }
      const { kabuto, bare: baseline, ratio } = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)]!;
      reads[path] = { kabuto, bare: baseline, ratio, p50Ratio: kabuto.p50Ms / baseline.p50Ms, p99Ratio: kabuto.p99Ms / baseline.p99Ms, pairs: pairs.map((p) => p.ratio) };
    }
    await bare.stop();
    bare = undefined;
    const afterReadsRssMiB = server.rssMiB();

    log('  withdrawals');
    await noticesSent(url);
    let withdrawals: KabutoFigures['withdrawals'];
    const probe = await fetch(`${url}/api/v1/withdrawals`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: seeded.cookies[0]! }, body: '{}' });
    if (probe.status === 404) withdrawals = { missing: 'POST /api/v1/withdrawals answers 404: not built yet' };
    else {
      const figure = await runLoad({ url, cpu: server, connections: settings.hashConnections, requests: kabutoWithdrawals(seeded.cookies, TRADING_PASSWORD) }, timing);
      withdrawals = { ...figure, ratioToBound: figure.perSecond / hashesPerSecond };
    }

    log('  sign-in failure paths');
    const samples = settings.failureSamples;
    const failurePaths = await failurePathMedians(url, {
      unknownLoginId: Array.from({ length: samples }, (_, i) => ({ loginId: `nobody${i}x${port}`, password: 'a wrong password 12345' })),
      wrongPassword: Array.from({ length: samples }, (_, i) => ({ loginId: seeded.wrong[Math.floor(i / wrongPerCustomer)]!, password: `wrong password number ${i}` })),
      lockedAccount: Array.from({ length: samples }, (_, i) => ({ loginId: seeded.locked[0]!, password: i % 2 ? PASSWORD : 'a wrong password 12345' })),
      rightPassword: Array.from({ length: samples }, (_, i) => ({ loginId: seeded.plain[i % seeded.plain.length]!, password: PASSWORD })),
    });

    log('  login flood');
    const flood = await floodMemory(server, settings);
    await server.stop();
    server = undefined;

    log('  sign-in with the hasher stubbed out (Kabuto\'s own work)');
    const stubPort = await freePort();
    const waitFile = join(tmpdir(), `kabuto-bench-stub-wait-${process.pid}`);
    server = await spawnServer({
      name: 'kabuto-stub-hash',
      args: benchChildArgs('stub-hash'),
      env: { ...env, KABUTO_PORT: String(stubPort), KABUTO_BENCH_STUB_WAIT_FILE: waitFile },
      port: stubPort,
      readyPath: '/healthz',
    });
    await noticesSent(server.url);
    const stubRun = (address: string, warmupSeconds: number) =>
      runLoad({ url: server!.url, cpu: server!, connections: settings.hashConnections, requests: kabutoSignIn(seeded.plain, PASSWORD, address) }, { warmupSeconds, seconds: settings.roundSeconds });
    const setWait = async (ms: number) => {
      writeFileSync(waitFile, String(ms));
      server!.process.kill('SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 200));
    };
    const signInStubHash = await stubRun('198.51.100.2', timing.warmupSeconds);

    // The same server process, its wait lengthened to hold it to the real sign-in's rate: each
    // connection waits for its answer before asking again, so a rate is connections / (wait + the
    // rest of an answer's time). A first run finds the rest; the wait is set from it.
    await noticesSent(server.url);
    const target = signIn.perSecond;
    const probeWait = Math.max(5, Math.round((1000 * settings.hashConnections) / target - signInStubHash.serverCpuMsPerOk));
    await setWait(probeWait);
    // From an address of its own, and no run here has a warm-up on its own address: at this wait a
    // warm-up followed by its measured run on one address met 429s (its throttle holds 20 sign-ins in
    // flight; the throttle table was empty before the run), and none did without the warm-up.
    const probeRun = await stubRun('198.51.100.10', 0);
    const rest = (1000 * settings.hashConnections) / probeRun.perSecond - probeWait;
    const waitMs = Math.max(5, Math.round((1000 * settings.hashConnections) / target - rest));
    await setWait(waitMs);
    log(`  the same at the real sign-in's rate (${target.toFixed(1)}/s: the stub waits ${waitMs} ms), alone, beside argon2id hashing on every core (another process), alone again`);
    await noticesSent(server.url);
    const alone = await stubRun('198.51.100.9', 0);
    await noticesSent(server.url);
    // The bound's child hashes on every core for the whole run: its start (about a second) is awaited
    // first, and it hashes on past the run's measured seconds and the drain after them.
    const hashing = measureBound(settings.roundSeconds + 4);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const beside = await stubRun('198.51.100.7', 0);
    const besideBound = await hashing;
    await noticesSent(server.url);
    const aloneAfter = await stubRun('198.51.100.8', 0);
    const signInStubHashAtRate = { waitMs, alone, beside, aloneAfter, hashesPerSecond: besideBound.hashesPerSecond };
    await server.stop();
    server = undefined;
    rmSync(waitFile, { force: true });

    log('  sign-in with one hashing thread, against the bound on one thread');
    const pinnedPort = await freePort();
    server = await spawnServer({ name: 'kabuto-one-hash-thread', args: benchChildArgs('one-hash-thread'), env: { ...env, KABUTO_PORT: String(pinnedPort) }, port: pinnedPort, readyPath: '/healthz' });
    await noticesSent(server.url);
    const signInOneHashThread = await signInRound(server.url, server, seeded, settings, timing.warmupSeconds, '198.51.100.3', 1);
    await server.stop();
    server = undefined;

    let growth: KabutoFigures['growth'];
    if (dialect === 'postgres' && database.schema) {
      log(`  growth: reads and sign-in at ${settings.fillerSessions.toLocaleString('en-US')} live sessions, then at ${settings.growth.customers.toLocaleString('en-US')} customers and ${settings.growth.sessions.toLocaleString('en-US')} sessions more`);
      const growthPort = await freePort();
      server = await spawnServer({ name: 'kabuto-growth', args: ['bin/kabuto.mjs', 'serve'], env: { ...env, KABUTO_PORT: String(growthPort) }, port: growthPort, readyPath: '/healthz' });
      const before = await growthProbe(server.url, server, seeded, settings, '198.51.100.4');
      const grown = await growPostgres(database.schema, seeded.plain[0]!, settings.growth);
      log(`    grown to ${grown.customers.toLocaleString('en-US')} customers, ${grown.liveSessions.toLocaleString('en-US')} live sessions in ${grown.seedSeconds.toFixed(0)} s`);
      const after = await growthProbe(server.url, server, seeded, settings, '198.51.100.5');
      const ratios: Record<string, number> = { signIn: after.signIn.ratioToBound / before.signIn.ratioToBound };
      for (const path of Object.keys(before.reads)) ratios[path] = after.reads[path]!.perSecond / before.reads[path]!.perSecond;
      growth = { grown, before, after, ratios };
    }
    return {
      dialect,
      bound: { samples: bounds, hashesPerSecond, cpuMsPerHash: median(bounds.map((b) => b.cpuMsPerHash)), concurrency: before.concurrency },
      signIn,
      signInKnownDevice,
      signInStubHash,
      signInStubHashAtRate,
      signInOneHashThread,
      ...(growth ? { growth } : {}),
      twoFactor: { ...twoFactor, ratioToBound: twoFactor.perSecond / hashesPerSecond },
      reads,
      withdrawals,
      failurePaths,
      memory: { liveSessions: settings.fillerSessions + seeded.cookies.length, idleRssMiB, afterReadsRssMiB, flood },
    };
  } finally {
    await bare?.stop();
    await server?.stop();
    await database.drop();
  }
}

/** Far more sign-ins than the hashing capacity: the bounded queue sheds them with 503s; memory is sampled. */
async function floodMemory(server: Child, settings: Settings): Promise<KabutoFigures['memory']['flood']> {
  let peak = server.rssMiB();
  const sampler = setInterval(() => {
    const now = server.rssMiB();
    if (now > peak) peak = now;
  }, 100);
  try {
    const figure = await runLoad(
      { url: server.url, connections: settings.floodConnections, requests: kabutoFlood() },
      { warmupSeconds: 0, seconds: settings.floodSeconds },
    );
    return { connections: settings.floodConnections, seconds: figure.seconds, peakRssMiB: peak, statuses: figure.statuses };
  } finally {
    clearInterval(sampler);
  }
}
