import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type TransactionSettings } from 'kysely';

/**
 * How long a statement may wait for SQLite's write lock in all, and how long one try may wait inside
 * SQLite (its busy handler sleeps on the thread that asked: the event loop, every request with it).
 */
const SQLITE_BUSY_BUDGET_MS = 5_000;
export const SQLITE_BUSY_SLICE_MS = 10;

/** Busy with a lock someone else holds: worth another try. A stale snapshot (`SQLITE_BUSY_SNAPSHOT`) never clears by waiting. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * SQLite with the lock wait moved off the event loop. Another process holding the file's write lock (a
 * `kabuto prune`, a manual transaction, a second instance during a rolling restart) used to stop the
 * whole server for the busy time-out, 5 s a statement, sign-ins and reads of other customers with it.
 * Now SQLite waits at most `SQLITE_BUSY_SLICE_MS` (the `busy_timeout` set by database.ts) and a busy
 * statement is tried again after a timer, backing off to 100 ms, until `SQLITE_BUSY_BUDGET_MS` have passed
 * since its first try; then its SQLITE_BUSY is thrown as before (a 503). The single connection stays held
 * meanwhile (Kysely's mutex): queries of other requests wait their turn, the event loop does not.
 */
export class YieldingSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly budgetMs = SQLITE_BUSY_BUDGET_MS,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new BusyRetryingDriver(super.createDriver(), this.budgetMs);
  }
}

class BusyRetryingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly budgetMs: number,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new BusyRetryingConnection(await this.inner.acquireConnection(), this.budgetMs);
  }

  // The transaction's own statements (begin, commit, savepoints) go through the retrying connection too.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
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
    private readonly budgetMs: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // The first try as Kysely's own connection makes it (synchronous work, no extra turn): only a busy
    // statement pays for the retries.
    try {
      return this.inner.executeQuery<R>(query);
    } catch (error) {
      if (!isBusy(error)) throw error;
      return this.retry<R>(query, error);
    }
  }

  private async retry<R>(query: CompiledQuery, first: unknown): Promise<QueryResult<R>> {
    const deadline = performance.now() + this.budgetMs;
    let error = first;
    for (let pause = 5; performance.now() + pause < deadline; pause = Math.min(pause * 2, 100)) {
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
