import { describe, expect, it } from 'vitest';
import { record } from '../../src/domain/kernel/reservations.js';
import { dialect, useTestServer } from '../support/harness.js';

// A count asked at every SMS send (the hourly total that raises the toll-fraud alert) is bounded by the
// threshold it is compared with: its work must not grow with the hour's volume.

describe(`throttle counts (${dialect})`, () => {
  const server = useTestServer({}, { per: 'suite' });

  it('counts every event in the window, or at most the bound it is given', async () => {
    const { deps } = server.kabuto;
    const now = deps.clock.now();
    for (let i = 0; i < 25; i++) await record(deps, 'count:test', now - i * 1000);
    await record(deps, 'count:other', now);
    expect(await deps.store.throttle.count('count:test', now - 3_600_000)).toBe(25);
    expect(await deps.store.throttle.count('count:test', now - 3_600_000, 10)).toBe(10);
    expect(await deps.store.throttle.count('count:test', now - 3_600_000, 100)).toBe(25);
    // The window still applies: 5 events in the last 4.5 seconds.
    expect(await deps.store.throttle.count('count:test', now - 4_500, 10)).toBe(5);
    expect(await deps.store.throttle.count('count:none', now - 3_600_000, 10)).toBe(0);
  });
});
