import { randomBytes } from 'node:crypto';
import { freshDatabase, type Dialect } from './databases.js';
import { median, runFlow, runLoad, type FlowFigure, type LoadFigure, type Timing } from './load.js';
import { benchChildArgs, freePort, runBenchChild, spawnServer, type Child } from './processes.js';
import { failurePathMedians, getWithCookies, kabutoFlood, kabutoSignIn, kabutoTwoFactor, kabutoWithdrawals } from './scenarios.js';
import { PASSWORD, seedKabuto, TRADING_PASSWORD } from './seed.js';

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
  roundSeconds: number;
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
  /** The same sign-in load on Kabuto with its hasher stubbed out: Kabuto's own CPU per sign-in. */
  signInStubHash: LoadFigure;
  twoFactor: FlowFigure & { ratioToBound: number };
  reads: Record<string, { kabuto: LoadFigure; bare: LoadFigure; ratio: number; p50Ratio: number; p99Ratio: number }>;
  withdrawals: (LoadFigure & { ratioToBound: number }) | { missing: string };
  failurePaths: Record<string, { medianMs: number; samples: number; statuses: Record<string, number> }>;
  memory: {
    liveSessions: number;
    idleRssMiB: number;
    afterReadsRssMiB: number;
    flood: { connections: number; seconds: number; peakRssMiB: number; statuses: Record<string, number> };
  };
}

export const measureBound = (seconds: number) => runBenchChild<Bound>('bound', { KABUTO_BENCH_BOUND_SECONDS: String(seconds) });

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
        { url, cpu: server, connections: settings.hashConnections, requests: kabutoSignIn(seeded.plain, PASSWORD) },
        { warmupSeconds: round === 0 ? timing.warmupSeconds : 0, seconds: settings.roundSeconds },
      );
      const previous = bounds[bounds.length - 1]!;
      const next = await measureBound(settings.boundSeconds);
      bounds.push(next);
      const boundPerSecond = (previous.hashesPerSecond + next.hashesPerSecond) / 2;
      rounds.push({ ...figure, boundPerSecond, ratio: figure.perSecond / boundPerSecond });
    }
    const medianRound = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
    const { boundPerSecond: _b, ratio: signInRatio, ...signInFigure } = medianRound;
    const signIn = { ...signInFigure, ratioToBound: signInRatio, rounds: rounds.map((r) => ({ perSecond: r.perSecond, boundPerSecond: r.boundPerSecond, ratio: r.ratio })) };
    log('  sign-in with an SMS code');
    const twoFactor = await runFlow(url, settings.hashConnections, kabutoTwoFactor(seeded.twoFactor, PASSWORD, perCustomer), timing, server);
    bounds.push(await measureBound(settings.boundSeconds));
    const hashesPerSecond = median(bounds.map((b) => b.hashesPerSecond));

    log('  signed-in reads, and bare Fastify answering the same JSON');
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
    const reads: KabutoFigures['reads'] = {};
    for (const path of Object.keys(fixtures)) {
      const kabuto = await runLoad({ url, cpu: server, connections: settings.readConnections, requests: getWithCookies(path, seeded.cookies) }, timing);
      const baseline = await runLoad({ url: bare.url, cpu: bare, connections: settings.readConnections, requests: getWithCookies(path, seeded.cookies) }, timing);
      reads[path] = { kabuto, bare: baseline, ratio: kabuto.perSecond / baseline.perSecond, p50Ratio: kabuto.p50Ms / baseline.p50Ms, p99Ratio: kabuto.p99Ms / baseline.p99Ms };
    }
    await bare.stop();
    bare = undefined;
    const afterReadsRssMiB = server.rssMiB();

    log('  withdrawals');
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
    server = await spawnServer({ name: 'kabuto-stub-hash', args: benchChildArgs('stub-hash'), env: { ...env, KABUTO_PORT: String(stubPort) }, port: stubPort, readyPath: '/healthz' });
    const signInStubHash = await runLoad(
      { url: server.url, cpu: server, connections: settings.hashConnections, requests: kabutoSignIn(seeded.plain, PASSWORD) },
      { warmupSeconds: timing.warmupSeconds, seconds: settings.roundSeconds },
    );
    return {
      dialect,
      bound: { samples: bounds, hashesPerSecond, cpuMsPerHash: median(bounds.map((b) => b.cpuMsPerHash)), concurrency: before.concurrency },
      signIn,
      signInStubHash,
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
