import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy, loginLockDuration } from '../../src/domain/kernel/policy.js';

// The numbers of docs/security.md "Security defaults", and the login lock's growth, without a server.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('the security defaults (docs/security.md)', () => {
  it('are the documented numbers', () => {
    expect(createPolicy()).toMatchObject({
      mfaRequired: false,
      newDeviceStepUp: false,
      loginLockThreshold: 5,
      loginLockBaseMs: 15 * MINUTE,
      loginLockMaxMs: 24 * HOUR,
      addressFailureLimit: 20,
      addressWindowMs: 10 * MINUTE,
      codeTtlMs: 5 * MINUTE,
      maxCodeAttempts: 5,
      deadChallengesBeforeFactorLock: 10,
      deadChallengeWindowMs: 24 * HOUR,
      resendAfterMs: 60_000,
      maxSendsPerChallenge: 5,
      maxSendsPerCustomerPerHour: 10,
      maxSendsPerPhonePerHour: 10,
      sendAlertPerHour: 1000,
      tradingLockThreshold: 5,
      tradingLockMs: 30 * MINUTE,
      sessionIdleMs: 30 * MINUTE,
      sessionAbsoluteMs: 12 * HOUR,
      coolingOffMs: 24 * HOUR,
    });
    expect([...createPolicy().phishingResistant]).toEqual([]);
  });

  it('are frozen, and an override changes only what it names', () => {
    const policy = createPolicy({ coolingOffMs: HOUR });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(() => {
      (policy as { coolingOffMs: number }).coolingOffMs = 0;
    }).toThrow(TypeError);
    expect(policy.coolingOffMs).toBe(HOUR);
    expect({ ...policy, coolingOffMs: 24 * HOUR }).toEqual(createPolicy());
  });
});

describe('login lock duration', () => {
  const policy = createPolicy();

  it('is 15 minutes at the first lock and doubles at each new one, up to 24 hours', () => {
    const minutes = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((previous) => loginLockDuration(policy, previous) / MINUTE);
    expect(minutes).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
  });

  it('never passes 24 hours and never falls below 15 minutes, however many locks came before', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000_000 }), (previous) => {
        const ms = loginLockDuration(policy, previous);
        expect(Number.isFinite(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(15 * MINUTE);
        expect(ms).toBeLessThanOrEqual(24 * HOUR);
      }),
    );
  });

  it('never shortens as locks accumulate, for any base and cap an operator sets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * HOUR }), fc.integer({ min: 1, max: 100 * HOUR }), fc.nat({ max: 200 }), (base, max, previous) => {
        const custom = createPolicy({ loginLockBaseMs: base, loginLockMaxMs: max });
        expect(loginLockDuration(custom, previous + 1)).toBeGreaterThanOrEqual(loginLockDuration(custom, previous));
        expect(loginLockDuration(custom, previous)).toBeLessThanOrEqual(max);
        expect(loginLockDuration(custom, 0)).toBe(Math.min(base, max));
      }),
    );
  });
});
