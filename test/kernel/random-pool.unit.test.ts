import { describe, expect, it } from 'vitest';
import { pooledRandom } from '../../src/adapters/random.js';
import { parseUserAgent } from '../../src/domain/sessions/user-agent.js';

describe('the read-ahead CSPRNG', () => {
  it('hands out bytes once: no two answers share bytes, across refills of the pool', () => {
    const random = pooledRandom(64);
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const bytes = random.bytes(12);
      expect(bytes.length).toBe(12);
      // 96 random bits: a repeat means the pool handed the same bytes out twice.
      const hex = bytes.toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });

  it('answers with copies: a refill of the pool leaves what was handed out as it was', () => {
    const random = pooledRandom(64);
    const first = random.bytes(16);
    const kept = Buffer.from(first);
    for (let i = 0; i < 20; i++) random.bytes(16);
    expect(first.equals(kept)).toBe(true);
  });

  it('serves requests larger than the pool and of every size up to it', () => {
    const random = pooledRandom(64);
    expect(random.bytes(1000).length).toBe(1000);
    for (let n = 0; n <= 16; n++) expect(random.bytes(n).length).toBe(n);
    // Not all zero: the large answer is filled too.
    expect(random.bytes(1000).some((b) => b !== 0)).toBe(true);
  });
});

describe('the User-Agent reading kept for the next sign-in', () => {
  it('answers the same for the same browser and apart for another, past the number kept', () => {
    const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    const safari = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    expect(parseUserAgent(chrome)).toEqual({ browser: 'Chrome 120', os: 'Windows 10' });
    expect(parseUserAgent(safari)).toEqual({ browser: 'Safari 17', os: 'iOS 17' });
    // Many made-up strings in between: the kept answers start again, and the answers stay right.
    for (let i = 0; i < 1500; i++) expect(parseUserAgent(`made-up agent ${i}`)).toEqual({ browser: null, os: null });
    expect(parseUserAgent(chrome)).toEqual({ browser: 'Chrome 120', os: 'Windows 10' });
    expect(parseUserAgent(safari)).toEqual({ browser: 'Safari 17', os: 'iOS 17' });
  });
});
