// The security numbers of docs/security.md ("Security defaults"), in one frozen object. Operators may override
// some through configuration; tests hold the defaults.

import type { RiskPolicy } from './risk-policy.js';

export interface SecurityPolicy {
  readonly mfaRequired: boolean;
  /** Operations that accept only a passkey (KABUTO_PHISHING_RESISTANT). */
  readonly phishingResistant: ReadonlySet<string>;
  /** A sign-in from a device never seen before needs a second factor (KABUTO_NEW_DEVICE_STEP_UP). */
  readonly newDeviceStepUp: boolean;
  readonly loginLockThreshold: number;
  readonly loginLockBaseMs: number;
  readonly loginLockMaxMs: number;
  readonly addressFailureLimit: number;
  readonly addressWindowMs: number;
  readonly codeTtlMs: number;
  readonly challengeTtlMs: number;
  readonly maxCodeAttempts: number;
  readonly deadChallengesBeforeFactorLock: number;
  readonly deadChallengeWindowMs: number;
  readonly resendAfterMs: number;
  readonly maxSendsPerChallenge: number;
  readonly maxSendsPerCustomerPerHour: number;
  readonly maxSendsPerPhonePerHour: number;
  readonly sendAlertPerHour: number;
  readonly tradingLockThreshold: number;
  readonly tradingLockMs: number;
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly coolingOffMs: number;
  /** The risk engine's rules and thresholds (KABUTO_RISK_POLICY); undefined: the default policy of src/domain/risk/config.ts. */
  readonly risk?: RiskPolicy;
  /** A known device counts as new again this long after the sign-in that trusted it (KABUTO_DEVICE_TRUST_DAYS). */
  readonly deviceTrustMs: number;
  /** Operators' console sessions: shorter than customers' (src/domain/operators/operator-sessions.ts). */
  readonly operatorSessionIdleMs: number;
  readonly operatorSessionAbsoluteMs: number;
  /** A four-eyes request waits this long for its second operator, then expires. */
  readonly approvalTtlMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function createPolicy(overrides: Partial<SecurityPolicy> = {}): SecurityPolicy {
  return Object.freeze({
    mfaRequired: false,
    phishingResistant: new Set<string>(),
    newDeviceStepUp: false,
    loginLockThreshold: 5,
    loginLockBaseMs: 15 * MINUTE,
    loginLockMaxMs: 24 * HOUR,
    addressFailureLimit: 20,
    addressWindowMs: 10 * MINUTE,
    codeTtlMs: 5 * MINUTE,
    challengeTtlMs: 15 * MINUTE,
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
    deviceTrustMs: 90 * 24 * HOUR,
    operatorSessionIdleMs: 15 * MINUTE,
    operatorSessionAbsoluteMs: 8 * HOUR,
    approvalTtlMs: 24 * HOUR,
    ...overrides,
  });
}

/** 15 minutes, doubling with each lock of the same account, up to 24 hours. */
export function loginLockDuration(policy: SecurityPolicy, previousLocks: number): number {
  const factor = 2 ** Math.min(previousLocks, 20);
  return Math.min(policy.loginLockBaseMs * factor, policy.loginLockMaxMs);
}

/**
 * The guideline's policy (JSDA, in force 2025-10-15): withdrawals and bank-account changes approved with a
 * phishing-resistant factor (a passkey) from day one; sign-in as the passkey migration's cohorts reach their
 * dates (src/domain/factors/phishing-resistance.ts). Production runs it unless configured otherwise.
 */
export const GUIDELINE_OPERATIONS: readonly string[] = Object.freeze(['withdrawal', 'bank_account']);

/** How the policy in force departs from the guideline's (empty: it runs the guideline's, or more). */
export function departuresFromGuideline(policy: Pick<SecurityPolicy, 'phishingResistant'>): string[] {
  return GUIDELINE_OPERATIONS.filter((operation) => !policy.phishingResistant.has(operation)).map(
    (operation) => `${operation} is not approved with a passkey (the guideline asks for it from day one)`,
  );
}

/** One line for the start-up log and `kabuto config check`. */
export function describePolicy(policy: Pick<SecurityPolicy, 'phishingResistant'>): string {
  const operations = [...policy.phishingResistant].sort();
  const departures = departuresFromGuideline(policy);
  const passkeyOnly = operations.length ? operations.join(', ') : 'nothing';
  return departures.length === 0
    ? `the guideline's policy: passkey only for ${passkeyOnly}; sign-in and withdrawals also by passkey-migration cohort from its date`
    : `departs from the guideline: ${departures.join('; ')} (passkey only for ${passkeyOnly}; cohorts still apply from their dates)`;
}
