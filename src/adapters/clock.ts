import type { Clock } from '../domain/kernel/ports.js';

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand: expiry and lockout without sleeping. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function createManualClock(start = Date.UTC(2026, 10, 25, 0, 0, 0)): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
    set(ms) {
      now = ms;
    },
  };
}
