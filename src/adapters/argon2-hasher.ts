import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { OverloadedError } from '../domain/kernel/errors.js';
import type { PasswordHasher } from '../domain/kernel/ports.js';

export interface HasherOptions {
  /** argon2 `secret`: the pepper, kept in configuration and never in the database. */
  pepper: Buffer;
  memoryCost?: number;
  timeCost?: number;
  parallelism?: number;
  /** Hashes running at once (libuv threads); the default is the core count. */
  concurrency?: number;
  /** Waiting hashes beyond which a request is refused at once (503) instead of queueing. */
  maxQueue?: number;
}

export interface HasherStats {
  running: number;
  queued: number;
}

/**
 * argon2id at OWASP's parameters (m=19 MiB, t=2, p=1), run on libuv's threads, never on the event
 * loop. A bounded queue in front: a login flood gets 503s, and signed-in requests keep being served.
 */
export function createArgon2Hasher(options: HasherOptions): PasswordHasher & { stats(): HasherStats } {
  const params = {
    algorithm: 2 as const, // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
    memoryCost: options.memoryCost ?? 19_456,
    timeCost: options.timeCost ?? 2,
    parallelism: options.parallelism ?? 1,
    secret: options.pepper,
  };
  const concurrency = options.concurrency ?? Math.max(1, availableParallelism());
  const maxQueue = options.maxQueue ?? concurrency * 64;
  let running = 0;
  const waiting: Array<() => void> = [];
  const paramsTag = `m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}`;

  async function limited<T>(work: () => Promise<T>): Promise<T> {
    if (running >= concurrency) {
      if (waiting.length >= maxQueue) throw new OverloadedError(1);
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= hash('kabuto-dummy-password-for-equal-work', params));

  return {
    hash: (password) => limited(() => hash(password, params)),
    async verify(hashed, password) {
      return limited(async () => {
        try {
          return await verify(hashed, password, { secret: options.pepper });
        } catch {
          return false;
        }
      });
    },
    async verifyDummy(password) {
      const hashed = await dummyHash();
      await limited(() => verify(hashed, password, { secret: options.pepper }).catch(() => false));
    },
    needsRehash: (hashed) => !hashed.startsWith('$argon2id$') || !hashed.includes(`$${paramsTag}$`),
    stats: () => ({ running, queued: waiting.length }),
  };
}
