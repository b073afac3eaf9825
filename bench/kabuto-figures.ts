import { randomBytes } from 'node:crypto';
import { freshDatabase, type Dialect } from './databases.js';
import { runFlow, runLoad, type FlowFigure, type LoadFigure, type Timing } from './load.js';
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
}

export interface Bound {
  hashesPerSecond: number;
  concurrency: number;
  msPerHash: number;
  cpuMsPerHash: number;
}

export interface KabutoFigures {
  dialect: Dialect;
  bound: { before: Bound; after: Bound; hashesPerSecond: number };
  signIn: LoadFigure & { ratioToBound: number };
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
  const before = await measureBound(settings.boundSeconds);
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

    log('  sign-in, password only');
    const signIn = await runLoad({ url, cpu: server, connections: settings.hashConnections, requests: kabutoSignIn(seeded.plain, PASSWORD) }, timing);
    log('  sign-in with an SMS code');
    const twoFactor = await runFlow(url, settings.hashConnections, kabutoTwoFactor(seeded.twoFactor, PASSWORD, perCustomer), timing, server);
    const after = await measureBound(settings.boundSeconds);
    const hashesPerSecond = (before.hashesPerSecond + after.hashesPerSecond) / 2;

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
    return {
      dialect,
      bound: { before, after, hashesPerSecond },
      signIn: { ...signIn, ratioToBound: signIn.perSecond / hashesPerSecond },
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
