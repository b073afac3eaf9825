import pg from 'pg';
import type { Logger } from '../domain/kernel/ports.js';
import { forget, type SessionCache } from '../domain/kernel/session-cache.js';
import { parseRevocation, REVOCATION_CHANNEL } from './sessions-repo.js';

export interface RevocationListener {
  close(): Promise<void>;
}

export interface RevocationListenerOptions {
  connectTimeoutMs: number;
  /** How often the listening connection proves it is alive (default 5 s). */
  heartbeatMs?: number;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Hears every instance's session revocations (`pg_notify` in `sessions-repo.ts`) on a PostgreSQL
 * connection of its own, and forgets them in this instance's cache. Fail closed: the cache is
 * suspended (serves nothing) until LISTEN is in place, and again from the first sign of trouble (an
 * error, the connection ending, a heartbeat unanswered, a payload it cannot read) until a new
 * connection listens; every reconnection starts from an empty cache.
 */
export function listenForRevocations(url: string, cache: SessionCache, options: RevocationListenerOptions): RevocationListener {
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let lastWarning = 0;

  const drop = (reason: unknown) => {
    cache.suspend();
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
    const dead = client;
    client = undefined;
    dead?.removeAllListeners();
    dead?.on('error', () => {});
    void dead?.end().catch(() => {});
    if (closed || retryTimer) return;
    if (Date.now() - lastWarning > 60_000) {
      lastWarning = Date.now();
      options.logger.warn({ err: reason }, 'session revocations: not listening; the session cache is off until it listens again');
    }
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(5_000, retryMs * 2);
  };

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: Math.max(1_000, options.connectTimeoutMs),
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
    });
    client = next;
    next.on('error', (error) => {
      if (client === next) drop(error);
    });
    next.on('end', () => {
      if (client === next) drop(new Error('the listening connection ended'));
    });
    next.on('notification', (message) => {
      if (client !== next || message.channel !== REVOCATION_CHANNEL) return;
      const revocation = parseRevocation(message.payload);
      if (revocation) forget(cache, revocation);
      else cache.clear();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${REVOCATION_CHANNEL}`);
    } catch (error) {
      if (client === next) drop(error);
      return;
    }
    if (closed || client !== next) {
      void next.end().catch(() => {});
      return;
    }
    retryMs = 250;
    // Revocations sent before LISTEN took effect are unknown: start empty.
    cache.resume();
    heartbeat = setInterval(() => {
      next.query('select 1').catch((error: unknown) => {
        if (client === next) drop(error);
      });
    }, heartbeatMs);
    heartbeat.unref();
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (heartbeat) clearInterval(heartbeat);
      cache.suspend();
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
