import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, sql, type DatabaseIntrospector, type PostgresPool, type PostgresPoolClient, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { UnavailableError } from '../domain/kernel/errors.js';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { HeldStatements } from './pg-batch.js';
import { SQLITE_BUSY_SLICE_MS, YieldingSqliteDialect } from './sqlite-busy.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL: the pool's connections (open, idle, requests waiting for one). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /** SQLite: moves on whenever another connection (another process) commits to the file (`PRAGMA data_version`). */
  othersCommits?(): number;
  close(): Promise<void>;
}

// PostgreSQL returns bigint (int8) and count(*) as strings; our bigints are epoch ms and yen, well
// inside 2^53, so numbers are exact.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

export interface OpenOptions {
  poolSize?: number;
  /** PostgreSQL: opening a connection, and waiting for a free one in the pool (default 3 s). */
  connectTimeoutMs?: number;
  /** PostgreSQL: statement_timeout (default 5 s); the client gives up 1 s later (a frozen link). */
  statementTimeoutMs?: number;
  /** PostgreSQL schema to use (tests give each file its own). */
  schema?: string;
}

/**
 * Migrations may rewrite tables and wait for another instance's migration lock: they run on a
 * connection of their own with long time-outs (still bounded), never the serving pool's 5 s.
 */
export const MIGRATION_TIMEOUTS = { connectTimeoutMs: 30_000, statementTimeoutMs: 10 * 60_000 } as const;

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const statementTimeout = options.statementTimeoutMs ?? 5_000;
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      // Nothing may hang: a connection that does not open, a pool with no free connection, a
      // statement the server does not finish, a link that answers nothing, a transaction left open.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + Math.min(1_000, Math.ceil(statementTimeout / 2)),
      idle_in_transaction_session_timeout: Math.max(10_000, 2 * statementTimeout),
      // A silently dropped link (failover without a reset) is noticed on idle connections too.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: resilientPool(pool) }), plugins: [new CamelCasePlugin()] });
    return { db, dialect: 'postgres', poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }), close: () => db.destroy() };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  // Another process's write lock is waited for off the event loop (sqlite-busy.ts): inside SQLite a try
  // waits a few milliseconds at most, the 5 s in all between tries on a timer; transactions begin IMMEDIATE.
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_SLICE_MS}`);
  sqlite.pragma('synchronous = NORMAL');
  const dialect = new YieldingSqliteDialect({ database: withStatementCache(sqlite) }, () => sqlite.inTransaction);
  const db = new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
  // Prepared once: `sqlite.pragma()` prepares the statement at every call, and this runs at every cached read.
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  return { db, dialect: 'sqlite', othersCommits: () => Number(dataVersion.get()), close: () => db.destroy() };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = /Query read timeout|Connection terminated|timeout exceeded when trying to connect|connection error|not queryable|Connection ended/i;

/** The connection is no use any more: destroy it, answer 503. */
function isBrokenConnection(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '25P03'].includes(code))) return true;
  return CONNECTION_MESSAGES.test(message ?? '');
}

/** The server is there but too slow or full: answer 503, keep the connection. */
function isTransient(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return code === '57014' /* statement_timeout */ || code === '53300' /* too many connections */ || code === '55P03' /* lock not available */;
}

/**
 * The pool as Kysely sees it, with two guarantees: a connection error (refused, reset, a frozen link
 * past the client time-out) is an UnavailableError (503 with Retry-After, never 500), and the
 * connection it happened on is destroyed, not handed back to the pool: after the link recovers the
 * pool opens fresh ones, so none is lost for good.
 */
function resilientPool(pool: pg.Pool): PostgresPool {
  const guarded = new WeakSet<pg.PoolClient>();
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new UnavailableError(`database unreachable: ${(error as Error).message}`, 2, { cause: error });
      }
      if (!guarded.has(client)) {
        guarded.add(client);
        // A destroyed connection may still emit 'error'; with no listener that would end the process.
        client.on('error', () => {});
      }
      let broken: Error | undefined;
      const send = (sqlText: string, parameters?: unknown[]) => {
        // A script of several statements (sent without parameters: one round trip, store/pg-script.ts
        // and pg-batch.ts) answers with its last statement's result.
        const answered = client.query(sqlText, parameters).then((result: unknown) => (Array.isArray(result) ? (result[result.length - 1] as unknown) : result));
        return answered.catch((error: unknown) => {
          if (isBrokenConnection(error)) {
            broken = error as Error;
            throw new UnavailableError(`database connection lost: ${(error as Error).message}`, 2, { cause: error });
          }
          if (isTransient(error)) throw new UnavailableError(`database too slow: ${(error as Error).message}`, 2, { cause: error });
          throw error;
        });
      };
      // A transaction's BEGIN, and its inserts when its work reads none back, travel with the next statement (pg-batch.ts).
      const held = new HeldStatements(send);
      const query = (sqlText: string | object, parameters: ReadonlyArray<unknown>) => {
        // A cursor (Kysely's stream()) goes straight through, after what is held.
        if (typeof sqlText !== 'string') return held.flush().then(() => (client as unknown as { query(cursor: object): unknown }).query(sqlText));
        // Kysely hands over a fresh array of its own: passed on as it is.
        return held.query(sqlText, (parameters ?? []) as unknown[]);
      };
      return {
        query: query as unknown as PostgresPoolClient['query'],
        release() {
          if (broken) {
            // Stop waiting for a link that may never answer; the pool forgets the client.
            (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
            client.release(broken);
          } else client.release();
        },
      };
    },
    end: () => pool.end(),
  };
}

/**
 * Kysely prepares every query anew; compiling the SQL was an eighth of a signed-in read's CPU in
 * the bench. The same SQL text reuses its prepared statement (Kysely runs one query at a time on
 * the connection, so a statement is never in use twice). Bounded: the oldest is dropped past 500.
 * A statement's SQLITE_BUSY* is an UnavailableError, as PostgreSQL's time-outs are (resilientPool).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = busyAsUnavailable(sqlite.prepare(sql));
        if (statements.size >= 500) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * SQLite busy: another process held the write lock past the busy budget (sqlite-busy.ts), or (should a
 * transaction ever begin deferred) committed between its read and its write (SQLITE_BUSY_SNAPSHOT). A client should retry
 * shortly: an UnavailableError (503 with Retry-After), never a 500.
 */
function busyAsUnavailable(statement: SQLite.Statement): SqliteStatement {
  const unavailable = (error: unknown): unknown => {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && code.startsWith('SQLITE_BUSY') ? new UnavailableError(`database busy: ${(error as Error).message} (${code})`, 1, { cause: error }) : error;
  };
  return {
    reader: statement.reader,
    all(parameters) {
      try {
        return statement.all(parameters);
      } catch (error) {
        throw unavailable(error);
      }
    },
    run(parameters) {
      try {
        return statement.run(parameters);
      } catch (error) {
        throw unavailable(error);
      }
    },
    iterate(parameters) {
      try {
        return statement.iterate(parameters);
      } catch (error) {
        throw unavailable(error);
      }
    },
  };
}

/**
 * With a PostgreSQL schema, the migration bookkeeping tables are named in it explicitly: Kysely looks
 * them up across all schemas, and another schema's copy would otherwise be mistaken for ours.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db: schema ? lookingInto(db, schema) : db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The migrator asks whether its schema and bookkeeping tables exist through Kysely's introspection, which reads
 * the columns of every table in every schema: on a database holding many schemas (a PostgreSQL server shared by
 * several deployments, or a test run's hundreds) each start pays for all of them, and a schema dropped meanwhile
 * breaks the read. Here it sees its own schema only (the catalogue, by name).
 */
function lookingInto(db: Kysely<Database>, schema: string): Kysely<Database> {
  const introspection: DatabaseIntrospector = {
    async getSchemas() {
      const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
      return rows;
    },
    async getTables() {
      const { rows } = await sql<{ name: string }>`
        select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v')`.execute(db);
      return rows.map((row) => ({ name: row.name, schema, isView: false, columns: [] }));
    },
    async getMetadata() {
      return { tables: await this.getTables() };
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
