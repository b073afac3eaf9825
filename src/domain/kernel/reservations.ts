import type { Deps } from './context.js';
import { newId } from './crypto.js';

/**
 * A taken place in a limit, or undefined when the limit is reached. Reserve before you act: the
 * place is held while the work runs (a password hash, a code check, an SMS), so requests in flight
 * count as much as finished ones; give it back when the work turned out not to count.
 */
export async function reserve(deps: Pick<Deps, 'store' | 'clock' | 'random'>, key: string, limit: number, windowMs: number, now = deps.clock.now()): Promise<string | undefined> {
  const id = newId(deps.random, 12);
  return (await deps.store.reservations.reserve({ key, id, now, windowMs, limit })) ? id : undefined;
}

/** An event that limits nothing (an alert's count), to be given back like a place. */
export async function record(deps: Pick<Deps, 'store' | 'clock' | 'random'>, key: string, now = deps.clock.now()): Promise<string> {
  const id = newId(deps.random, 12);
  await deps.store.reservations.record({ key, id, now });
  return id;
}

export async function release(deps: Pick<Deps, 'store'>, id: string | undefined): Promise<void> {
  if (id !== undefined) await deps.store.reservations.release(id);
}
