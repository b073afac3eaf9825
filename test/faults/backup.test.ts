import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeOn, postgresUrl, TEST_SECRET, useTestServer } from '../support/harness.js';
import { freshProcessDatabase, type ProcessDatabase } from '../money/process-database.js';
import { startProcessServer, type ProcessServer } from '../money/process-server.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import { BANK, moneyCustomer, withdraw } from '../money/money-support.js';
import { kabutoCli } from '../ops/ops-support.js';
import { figure } from './fake-smtp.js';

// Issue 13.6: `kabuto backup` finishes while the server keeps writing, never leaves a partial file
// under the final name, and its copy restores (docs/operations.md, "Backups and restore") to the
// same balances with an intact audit chain. The online backup API it replaced restarted on every
// write from another connection and never finished under steady writes.

type Balances = Map<string, number>;

function balancesOf(file: string): Balances {
  const db = new SQLite(file, { readonly: true });
  try {
    const rows = db.prepare('select customer_id as id, available from cash_accounts order by customer_id').all() as Array<{ id: string; available: number }>;
    return new Map(rows.map((r) => [r.id, Number(r.available)]));
  } finally {
    db.close();
  }
}

/** Within one copy: each balance is its ledger's sum and its last entry's balance_after. */
function ledgerConsistent(file: string): boolean {
  const db = new SQLite(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `select c.customer_id, c.available, (select sum(amount) from ledger_entries l where l.customer_id = c.customer_id) as total,
                (select balance_after from ledger_entries l where l.customer_id = c.customer_id order by seq desc limit 1) as last
         from cash_accounts c`,
      )
      .all() as Array<{ available: number; total: number; last: number }>;
    return rows.every((r) => Number(r.available) === Number(r.total) && Number(r.available) === Number(r.last));
  } finally {
    db.close();
  }
}

describeOn('sqlite', 'fault: a backup under steady writes', () => {
  let dir: string;
  let file: string;
  const env = () => ({ ...process.env, NODE_ENV: 'test', KABUTO_SECRET: TEST_SECRET, KABUTO_DATABASE_URL: file });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kabuto-backup-'));
    file = join(dir, 'kabuto.db');
  });
  const server = useTestServer(() => ({ env: { KABUTO_DATABASE_URL: file } }), { per: 'suite' });

  it('finishes while the server writes, restores to the same balances, and its audit chain verifies', async () => {
    // Some volume, so a copy takes many steps: a month of sign-in history.
    const raw = new SQLite(file);
    const insert = raw.prepare('insert into login_events (id, customer_id, login_id, at, address, user_agent, result) values (?, null, ?, ?, ?, ?, ?)');
    raw.transaction(() => {
      for (let i = 0; i < 60_000; i++) insert.run(`seed${i}`, `someone${i % 500}`, i, '192.0.2.1', 'Mozilla/5.0 '.repeat(8), 'invalid_credentials');
    })();
    const customers = await Promise.all(Array.from({ length: 3 }, () => moneyCustomer(server, { cash: 5_000_000, bankAccount: BANK })));

    // Steady writes: withdrawals through the API, and another connection writing every millisecond or two.
    const stop = { now: false };
    let made = 0;
    const writers = customers.map(async ({ customer, client }) => {
      while (!stop.now) if ((await withdraw(client, customer, 1 + Math.floor(Math.random() * 1000))).status === 201) made++;
    });
    let events = 0;
    const ticker = setInterval(() => insert.run(`tick${events++}`, 'ticker', Date.now(), '192.0.2.2', 'ticker', 'invalid_credentials'), 1);

    const live = join(dir, 'live.db');
    const started = Date.now();
    const { stdout } = await kabutoCli(env(), 'backup', live);
    const took = Date.now() - started;
    stop.now = true;
    clearInterval(ticker);
    await Promise.all(writers);
    expect(stdout).toMatch(/integrity ok/);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
    expect(ledgerConsistent(live)).toBe(true);
    figure(`backup under steady writes: finished in ${took} ms while ${made} withdrawals and ${events} other writes went on; the copy is consistent`);

    // The documented restore: servers stopped, the copy in place of the database (no -wal, -shm), verify.
    const restoredDir = mkdtempSync(join(tmpdir(), 'kabuto-restore-'));
    const restored = join(restoredDir, 'kabuto.db');
    copyFileSync(live, restored);
    const verified = await kabutoCli({ ...env(), KABUTO_DATABASE_URL: restored }, 'audit', 'verify');
    expect(verified.stdout).toMatch(/^audit chain intact: \d+ entries/m);

    // Quiet now: a backup restores to exactly the live balances.
    const quiet = join(dir, 'quiet.db');
    await kabutoCli(env(), 'backup', quiet);
    const again = join(restoredDir, 'again.db');
    copyFileSync(quiet, again);
    const source = balancesOf(file);
    expect(balancesOf(again)).toEqual(source);
    expect((await kabutoCli({ ...env(), KABUTO_DATABASE_URL: again }, 'audit', 'verify')).stdout).toMatch(/audit chain intact/);
    figure(`restore: ${source.size} balances identical to the live database, audit chain verified on the restored copy`);
    raw.close();
  });

  it('killed mid-copy, leaves nothing under the final name', async () => {
    const target = join(dir, 'killed.db');
    const child = spawn('node', ['bin/kabuto.mjs', 'backup', target], { env: env(), stdio: 'ignore' });
    const closed = new Promise((resolve) => child.once('close', resolve));
    // Kill it the moment the copy has begun (a file appears, under whatever name), or when it is done.
    const prefix = '.killed.db.partial-';
    const begun = () => existsSync(target) || readdirSync(dir).some((n) => n.startsWith(prefix));
    for (let i = 0; i < 4000 && child.exitCode === null && !begun(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    child.kill('SIGKILL');
    await closed;
    if (existsSync(target)) {
      // It finished first: then the file is whole.
      const db = new SQLite(target, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.prepare('select count(*) as n from login_events').get()).toMatchObject({ n: expect.any(Number) });
        expect((db.prepare('select count(*) as n from customers').get() as { n: number }).n).toBeGreaterThan(0);
      } finally {
        db.close();
      }
      figure('backup killed with SIGKILL: it had already finished; the file is whole');
    } else {
      figure(`backup killed with SIGKILL mid-copy: no file under the final name (left: ${readdirSync(dir).filter((n) => n.startsWith(prefix)).length} temporary file)`);
    }
  });
});

const exec = promisify(execFile);

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function pgBalances(url: string): Promise<{ balances: Map<string, number>; consistent: boolean }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; available: string; total: string; last: string }>(
      `select c.customer_id as id, c.available, (select sum(amount) from ledger_entries l where l.customer_id = c.customer_id) as total,
              (select balance_after from ledger_entries l where l.customer_id = c.customer_id order by seq desc limit 1) as last
       from cash_accounts c order by c.customer_id`,
    );
    return { balances: new Map(rows.map((r) => [r.id, Number(r.available)])), consistent: rows.every((r) => Number(r.available) === Number(r.total) && Number(r.available) === Number(r.last)) };
  } finally {
    await client.end();
  }
}

describeOn('postgres', 'fault: a PostgreSQL backup (pg_dump) under steady writes', () => {
  let database: ProcessDatabase;
  let server: ProcessServer | undefined;
  const restored: string[] = [];
  afterAll(async () => {
    await server?.kill('SIGKILL');
    for (const name of restored) await admin(`drop database if exists ${name} with (force)`);
    await database?.drop();
  });

  it('pg_dump while withdrawals go on restores (pg_restore) to a consistent ledger; a quiet one to identical balances; the audit chain verifies', async () => {
    database = await freshProcessDatabase();
    server = await startProcessServer(database.url);
    const customer = await createCustomer(server.asTestServer(), { cash: 5_000_000, bankAccount: BANK });
    const client = server.client();
    expect((await signInWithPassword(client, customer)).status).toBe(200);
    const stop = { now: false };
    let made = 0;
    const writer = (async () => {
      while (!stop.now) if ((await client.post('/api/v1/withdrawals', { amount: 1 + Math.floor(Math.random() * 1000), tradingPassword: customer.tradingPassword, idempotencyKey: `pgdump-${randomBytes(6).toString('hex')}` })).status === 201) made++;
    })();
    const dir = mkdtempSync(join(tmpdir(), 'kabuto-pgdump-'));
    const live = join(dir, 'live.dump');
    while (made < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await exec('pg_dump', ['--format=custom', `--file=${live}`, database.url]);
    const took = Date.now() - started;
    stop.now = true;
    await writer;

    const restore = async (file: string) => {
      const name = `kabuto_money_${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(4).toString('hex')}`;
      restored.push(name);
      await admin(`create database ${name}`);
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      await exec('pg_restore', ['--no-owner', `--dbname=${url.toString()}`, file]);
      const verify = await kabutoCli({ ...process.env, NODE_ENV: 'test', KABUTO_SECRET: TEST_SECRET, KABUTO_DATABASE_URL: url.toString() }, 'audit', 'verify');
      expect(verify.stdout).toMatch(/audit chain intact/);
      return url.toString();
    };
    const underLoad = await pgBalances(await restore(live));
    expect(underLoad.consistent).toBe(true);

    const quiet = join(dir, 'quiet.dump');
    await exec('pg_dump', ['--format=custom', `--file=${quiet}`, database.url]);
    const source = await pgBalances(database.url);
    const copy = await pgBalances(await restore(quiet));
    expect(copy.balances).toEqual(source.balances);
    figure(`pg_dump under steady writes: ${took} ms while ${made} withdrawals went on; restored copy consistent; a quiet dump restored to ${copy.balances.size} identical balance(s); audit chain verified on both`);
  });
});
