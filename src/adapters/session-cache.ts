import { performance } from 'node:perf_hooks';
import type { SessionCache, StoredSession } from '../domain/kernel/session-cache.js';

export interface SessionCacheOptions {
  /** A copy older than this is read again (the safety net behind the revocation channel). Default 2 s. */
  ttlMs?: number;
  /** At most this many sessions; the least recently used goes first. Default 10 000. */
  maxEntries?: number;
  /** Whether it serves from the start (SQLite) or waits for `resume` (PostgreSQL: the listener is up). */
  suspended?: boolean;
  /** Monotonic milliseconds (tests move it). */
  now?: () => number;
}

/** The in-process session cache: bounded, least recently used out first, every copy short-lived. */
export function createSessionCache(options: SessionCacheOptions = {}): SessionCache {
  const ttlMs = options.ttlMs ?? 2_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, { session: StoredSession; storedAt: number }>();
  let suspended = options.suspended ?? false;
  // Moves on at every forget: a read that began before it is not kept.
  let generation = 0;

  const forgetAll = () => {
    generation += 1;
    entries.clear();
  };

  return {
    get(id) {
      if (suspended) return undefined;
      const entry = entries.get(id);
      if (!entry) return undefined;
      entries.delete(id);
      if (now() - entry.storedAt >= ttlMs) return undefined;
      entries.set(id, entry);
      return { ...entry.session };
    },
    mark: () => generation,
    set(id, session, mark) {
      if (suspended || mark !== generation || maxEntries <= 0) return;
      entries.delete(id);
      entries.set(id, { session: { ...session }, storedAt: now() });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    touched(id, lastSeenAt) {
      const entry = entries.get(id);
      if (entry && lastSeenAt > entry.session.lastSeenAt) entry.session.lastSeenAt = lastSeenAt;
    },
    forgetSession(id) {
      generation += 1;
      entries.delete(id);
    },
    forgetCustomer(customerId) {
      generation += 1;
      for (const [id, entry] of entries) if (entry.session.customerId === customerId) entries.delete(id);
    },
    clear: forgetAll,
    suspend() {
      suspended = true;
      forgetAll();
    },
    resume() {
      forgetAll();
      suspended = false;
    },
  };
}
