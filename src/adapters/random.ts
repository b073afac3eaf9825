import { randomFillSync, randomInt } from 'node:crypto';
import type { RandomSource } from '../domain/kernel/ports.js';

/**
 * The system's CSPRNG, read ahead: one `randomFillSync` of 4 KiB serves some 250 ids and tokens
 * instead of one call into OpenSSL each (Node's own `randomUUID` keeps such a cache). Every answer is
 * a copy: the pool is refilled in place, and bytes handed out are never handed out again.
 */
export function pooledRandom(poolSize = 4096): RandomSource {
  const pool = Buffer.alloc(poolSize);
  let offset = poolSize;
  return {
    bytes(n) {
      if (n > poolSize / 4) return randomFillSync(Buffer.alloc(n));
      if (offset + n > poolSize) {
        randomFillSync(pool);
        offset = 0;
      }
      const out = Buffer.from(pool.subarray(offset, offset + n));
      // What was handed out does not stay in memory beside what is still to come.
      pool.fill(0, offset, offset + n);
      offset += n;
      return out;
    },
    int: (max) => randomInt(max),
  };
}

export const cryptoRandom: RandomSource = pooledRandom();
