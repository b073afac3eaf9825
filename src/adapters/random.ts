import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { RandomSource } from '../domain/kernel/ports.js';

export const cryptoRandom: RandomSource = {
  bytes: (n) => randomBytes(n),
  int: (max) => randomInt(max),
};

/** Deterministic, for tests that need to reproduce a run; never used outside tests. */
export function createSeededRandom(seed: string): RandomSource {
  let counter = 0;
  const next = (n: number): Buffer => {
    const chunks: Buffer[] = [];
    let length = 0;
    while (length < n) {
      const chunk = createHash('sha256').update(`${seed}:${counter++}`).digest();
      chunks.push(chunk);
      length += chunk.length;
    }
    return Buffer.concat(chunks).subarray(0, n);
  };
  return {
    bytes: next,
    int: (max) => next(6).readUIntBE(0, 6) % max,
  };
}
