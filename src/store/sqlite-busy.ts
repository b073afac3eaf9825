import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type TransactionSettings } from 'kysely';

/**
 * How long a statement may wait for SQLite's write lock in all, and how long one try may wait inside
 * SQLite (its busy handler sleeps on the thread that asked: the event loop, every request with it).
 */
export const SQLITE_BUSY_BUDGET_MS = 5_000;
export const SQLITE_BUSY_SLICE_MS = 5;
const LONGEST_PAUSE_MS = 100;

/**
 * Busy with a lock another connection holds (the store's statements throw it as an UnavailableError
 * whose cause is SQLite's error: database.ts). A stale snapshot (`SQLITE_BUSY_SNAPSHOT`) never clears
 * by waiting.
 */
function isBusy(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_BUSY_SNAPSHOT';
}

/** Whether the connection is inside an explicit transaction (better-sqlite3's `inTransaction`). */
export type InTransaction = () => boolean;

/**
 * SQLite with the wait for another process's write lock (a `kabuto prune`, a manual transaction, a second
 * instance during a rolling restart) moved off the event loop. SQLite's busy handler sleeps on the thread
 * that asked: with the busy time-out at 5 s the whole server stood still 5 s a statement, every request
 * with it. Here SQLite waits at most `SQLITE_BUSY_SLICE_MS` (the `busy_timeout` database.ts sets) and a busy
 * statement is tried again after a timer, backing off to 100 ms, until `SQLITE_BUSY_BUDGET_MS` have passed
 * since its first try; then its error is thrown as before (an UnavailableError: 503 with Retry-After). The
 * one connection stays held meanwhile (Kysely's mutex): other queries wait their turn, the event loop does
 * not.
 *
 * Only what SQLite's own busy handler would retry is retried: a statement made outside a transaction, and
 * the transaction's BEGIN. A transaction begins IMMEDIATE, taking the write lock (and a fresh snapshot) at
 * its BEGIN; its statements then meet no lock of another connection, so none is ever retried with a
 * snapshot some other process has overtaken. (With a deferred BEGIN a transaction that read first got
 * `SQLITE_BUSY` at once at its first write, which SQLite never waits out; retrying it on a timer turned into
 * `SQLITE_BUSY_SNAPSHOT` once the other process committed.)
 */
export class YieldingSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly inTransaction: InTransaction,
    private readonly budgetMs = SQLITE_BUSY_BUDGET_MS,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new BusyRetryingDriver(super.createDriver(), this.inTransaction, this.budgetMs);
  }
}

const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');

class BusyRetryingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly inTransaction: InTransaction,
    private readonly budgetMs: number,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new BusyRetryingConnection(await this.inner.acquireConnection(), this.inTransaction, this.budgetMs);
  }

  // The write lock at BEGIN, through the retrying connection: waited for off the event loop like any statement's.
  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(BEGIN_IMMEDIATE);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]): Promise<void> {
    return this.inner.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2]): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]): Promise<void> {
    return this.inner.releaseSavepoint!(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as BusyRetryingConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class BusyRetryingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly inTransaction: InTransaction,
    private readonly budgetMs: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Asked before the statement runs: outside a transaction (BEGIN included) SQLite holds no snapshot to go stale.
    const retryable = !this.inTransaction();
    // The first try as Kysely's own connection makes it (synchronous work, no extra turn): only a busy
    // statement pays for the retries.
    try {
      return this.inner.executeQuery<R>(query);
    } catch (error) {
      if (!retryable || !isBusy(error)) throw error;
      return this.retry<R>(query, error);
    }
  }

  private async retry<R>(query: CompiledQuery, first: unknown): Promise<QueryResult<R>> {
    const deadline = performance.now() + this.budgetMs;
    let error = first;
    for (let pause = SQLITE_BUSY_SLICE_MS; performance.now() + pause < deadline; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
      await sleep(pause);
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (next) {
        if (!isBusy(next)) throw next;
        error = next;
      }
    }
    throw error;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}
