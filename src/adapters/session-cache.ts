import { performance } from 'node:perf_hooks';
import type { KeptBalances } from '../domain/kernel/money-store.js';
import type { SessionCache, StoredSession } from '../domain/kernel/session-cache.js';
import type { CustomerRecord } from '../domain/kernel/types.js';

export interface SessionCacheOptions {
  /** A copy older than this is read again (the safety net behind the revocation channel). Default 2 s. */
  ttlMs?: number;
  /** At most this many sessions (and as many customers, and balances); the least recently used goes first. Default 10 000. */
  maxEntries?: number;
  /** Whether it serves from the start (SQLite) or waits for `resume` (PostgreSQL: the listener is up). */
  suspended?: boolean;
  /** Monotonic milliseconds (tests move it). */
  now?: () => number;
}

interface Entry<T> {
  value: T;
  storedAt: number;
}

/**
 * The in-process session cache: bounded, least recently used out first, every copy short-lived.
 * Sessions are also indexed by customer, so forgetting a customer costs its own sessions, not a
 * walk over the whole cache.
 */
export function createSessionCache(options: SessionCacheOptions = {}): SessionCache {
  const ttlMs = options.ttlMs ?? 2_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const sessions = new Map<string, Entry<StoredSession>>();
  const customers = new Map<string, Entry<CustomerRecord>>();
  const balances = new Map<string, Entry<KeptBalances>>();
  const sessionsOf = new Map<string, Set<string>>();
  let suspended = options.suspended ?? false;
  // Moves on at every forget: a read that began before it is not kept.
  let generation = 0;

  const dropSession = (id: string, entry: Entry<StoredSession>) => {
    sessions.delete(id);
    const ids = sessionsOf.get(entry.value.customerId);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) sessionsOf.delete(entry.value.customerId);
  };
  const forgetAll = () => {
    generation += 1;
    sessions.clear();
    customers.clear();
    balances.clear();
    sessionsOf.clear();
  };
  const copyOf = (kept: KeptBalances): KeptBalances => ({
    available: kept.available,
    held: kept.held.map((h) => ({ ...h })),
    holdings: kept.holdings.map((h) => ({ ...h })),
  });
  const copyCustomer = (customer: CustomerRecord): CustomerRecord => ({ ...customer });
  // A customer's entries (the customer row, the balances): read fresh or not at all, kept copied, bounded.
  const readKept = <T>(map: Map<string, Entry<T>>, key: string, copy: (value: T) => T): T | undefined => {
    if (suspended) return undefined;
    const entry = map.get(key);
    if (!entry) return undefined;
    map.delete(key);
    if (now() - entry.storedAt >= ttlMs) return undefined;
    // Most recently used last.
    map.set(key, entry);
    return copy(entry.value);
  };
  const keep = <T>(map: Map<string, Entry<T>>, key: string, value: T, copy: (value: T) => T, mark: number): void => {
    if (suspended || mark !== generation || maxEntries <= 0) return;
    map.delete(key);
    map.set(key, { value: copy(value), storedAt: now() });
    if (map.size > maxEntries) map.delete(map.keys().next().value!);
  };

  return {
    get(id) {
      if (suspended) return undefined;
      const entry = sessions.get(id);
      if (!entry) return undefined;
      if (now() - entry.storedAt >= ttlMs) {
        dropSession(id, entry);
        return undefined;
      }
      // Most recently used last (a Map keeps insertion order).
      sessions.delete(id);
      sessions.set(id, entry);
      return { ...entry.value };
    },
    mark: () => generation,
    set(id, session, mark) {
      if (suspended || mark !== generation || maxEntries <= 0) return;
      const old = sessions.get(id);
      if (old) dropSession(id, old);
      sessions.set(id, { value: { ...session }, storedAt: now() });
      let ids = sessionsOf.get(session.customerId);
      if (!ids) sessionsOf.set(session.customerId, (ids = new Set()));
      ids.add(id);
      if (sessions.size > maxEntries) {
        const [oldestId, oldest] = sessions.entries().next().value!;
        dropSession(oldestId, oldest);
      }
    },
    getCustomer: (customerId) => readKept(customers, customerId, copyCustomer),
    setCustomer: (customer, mark) => keep(customers, customer.id, customer, copyCustomer, mark),
    getBalances: (customerId) => readKept(balances, customerId, copyOf),
    setBalances: (customerId, kept, mark) => keep(balances, customerId, kept, copyOf, mark),
    touched(id, lastSeenAt) {
      const entry = sessions.get(id);
      if (entry && lastSeenAt > entry.value.lastSeenAt) entry.value.lastSeenAt = lastSeenAt;
    },
    forgetSession(id) {
      generation += 1;
      const entry = sessions.get(id);
      if (entry) dropSession(id, entry);
    },
    forgetCustomer(customerId) {
      generation += 1;
      customers.delete(customerId);
      balances.delete(customerId);
      const ids = sessionsOf.get(customerId);
      if (!ids) return;
      sessionsOf.delete(customerId);
      for (const id of ids) sessions.delete(id);
    },
    forgetBalances(customerId) {
      generation += 1;
      balances.delete(customerId);
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
