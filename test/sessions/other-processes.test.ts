import { describe, expect, it } from 'vitest';
import { createSessionCache } from '../../src/adapters/session-cache.js';
import { watchOtherProcesses } from '../../src/store/index.js';

// SQLite: the look at other processes' commits (PRAGMA data_version) before a cached read is taken at
// most once a millisecond; a commit by another process empties the cache at the next look.

describe('the look at other processes on one SQLite file', () => {
  const session = { id: 's1', customerId: 'c1', tokenHash: 'h', createdAt: 0, lastSeenAt: 0, credentialVersion: 1, customerCredentialVersion: 1, lineageId: 's1' } as never;

  it('empties the cache when another process committed, looking at most once a millisecond', () => {
    let version = 1;
    let looks = 0;
    let now = 0;
    const cache = createSessionCache();
    const before = watchOtherProcesses(() => (looks++, version), cache, 1, () => now)!;
    before();
    cache.set('s1', session, cache.mark());
    before();
    expect(looks).toBe(1);
    expect(cache.get('s1')).toBeDefined();
    // Another process commits: seen at the first look a millisecond on.
    version = 2;
    now = 0.5;
    before();
    expect(looks).toBe(1);
    now = 1;
    before();
    expect(looks).toBe(2);
    expect(cache.get('s1')).toBeUndefined();
    cache.set('s1', session, cache.mark());
    now = 5;
    before();
    expect(looks).toBe(3);
    expect(cache.get('s1')).toBeDefined();
  });

  it('no look without a cache or without a file shared with others', () => {
    expect(watchOtherProcesses(undefined, createSessionCache())).toBeUndefined();
    expect(watchOtherProcesses(() => 1, undefined)).toBeUndefined();
  });
});
