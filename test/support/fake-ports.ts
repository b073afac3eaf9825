import { createManualClock, type ManualClock } from '../../src/adapters/clock.js';
import { createSeededRandom } from '../../src/adapters/random.js';
import type { Deps } from '../../src/domain/kernel/context.js';
import { createPolicy, type SecurityPolicy } from '../../src/domain/kernel/policy.js';

// Deps for unit tests of the domain's pure rules: a manual clock, seeded randomness, the default policy
// (or the overrides given) and only the store parts a test hands in. Any other port a rule reaches for
// throws, so a unit test shows exactly what its rule depends on. No server, no database.

type DeepPartialStore = { [K in keyof Deps['store']]?: Partial<Deps['store'][K]> };

export interface FakeDeps extends Deps {
  clock: ManualClock;
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
