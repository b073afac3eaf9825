import { createManualClock, type ManualClock } from '../../src/adapters/clock.js';
import { createHash } from 'node:crypto';
import type { Deps } from '../../src/domain/kernel/context.js';
import { createPolicy, type SecurityPolicy } from '../../src/domain/kernel/policy.js';
import type { RandomSource } from '../../src/domain/kernel/ports.js';

// Deps for unit tests of the domain's pure rules: a manual clock, seeded randomness, the default policy
// (or the overrides given) and only the store parts a test hands in. Any other port a rule reaches for
// throws, so a unit test shows exactly what its rule depends on. No server, no database.

type DeepPartialStore = { [K in keyof Deps['store']]?: Partial<Deps['store'][K]> };

export interface FakeDeps extends Deps {
  clock: ManualClock;
}

/** A deterministic RandomSource: the same seed gives the same bytes, so a unit test's run repeats. */
export function createSeededRandom(seed: string): RandomSource {
  let counter = 0;
  const next = (n: number): Buffer => {
    const chunks: Buffer[] = [];
    for (let length = 0; length < n; ) {
      const chunk = createHash('sha256').update(`${seed}:${counter++}`).digest();
      chunks.push(chunk);
      length += chunk.length;
    }
    return Buffer.concat(chunks).subarray(0, n);
  };
  return { bytes: next, int: (max) => next(6).readUIntBE(0, 6) % max };
}

function absent(name: string): never {
  throw new Error(`this unit test gave the rule no ${name}`);
}

function strict<T extends object>(name: string, given: Partial<T> = {}): T {
  return new Proxy(given as T, {
    get(target, key) {
      if (typeof key === 'symbol' || key in target) return (target as Record<string | symbol, unknown>)[key];
      if (key === 'then') return undefined;
      return absent(`${name}.${key}`);
    },
  });
}

export function fakeDeps(options: { policy?: Partial<SecurityPolicy>; store?: DeepPartialStore; now?: number; voice?: Deps['voice'] } = {}): FakeDeps {
  const store = strict<Deps['store']>(
    'store',
    Object.fromEntries(Object.entries(options.store ?? {}).map(([part, methods]) => [part, strict(`store.${part}`, methods as object)])) as Partial<Deps['store']>,
  );
  return strict<FakeDeps>('port', {
    store,
    clock: createManualClock(options.now),
    random: createSeededRandom('unit'),
    policy: createPolicy(options.policy),
    voice: options.voice ?? null,
    firmName: 'Kabuto証券',
  });
}
