import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  needsMaturePasskey,
  passkeyMatureAt,
  phishingResistanceRequired,
  policedOperation,
  policyDemandsStepUp,
  policyGuardsFactors,
  youngPasskeysOnly,
} from '../../src/domain/factors/phishing-resistance.js';
import type { PasskeyRecord } from '../../src/domain/kernel/factor-store.js';
import { createPolicy } from '../../src/domain/kernel/policy.js';
import type { Purpose } from '../../src/domain/kernel/types.js';
import { fakeDeps } from '../support/fake-ports.js';

// KABUTO_PHISHING_RESISTANT as rules: which operation a challenge is for, when only a passkey will do,
// and the 24-hour cooling-off of a new passkey. No server, no database.

const HOUR = 3_600_000;
const PURPOSES: Purpose[] = ['login', 'withdrawal', 'registration_change', 'mfa_settings', 'phone_change', 'password_change', 'phone_verification'];
const jsda = createPolicy({ phishingResistant: new Set(['login', 'withdrawal', 'bank_account']) });
const off = createPolicy();
const bank = { bankAccount: { bankCode: '0001', branchCode: '001', accountNumber: '1234567' } };
const factorChange = { factorChange: { kind: 'passkey_added' } };

describe('the operation a challenge is for', () => {
  it('is login, withdrawal, a bank change (a registration change carrying a bank account) or a factor change', () => {
    expect(policedOperation('login', {})).toBe('login');
    expect(policedOperation('withdrawal', { amount: 1 })).toBe('withdrawal');
    expect(policedOperation('registration_change', bank)).toBe('bank_account');
    expect(policedOperation('registration_change', { email: 'new@example.jp' })).toBeUndefined();
    expect(policedOperation('mfa_settings', factorChange)).toBe('factors');
    expect(policedOperation('mfa_settings', { method: 'sms' })).toBeUndefined();
    for (const purpose of ['phone_change', 'password_change', 'phone_verification'] as const) expect(policedOperation(purpose, bank), purpose).toBeUndefined();
  });

  it('survives any content: null, a string, an array', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PURPOSES), fc.jsonValue(), (purpose, content) => {
        expect(() => policedOperation(purpose, content)).not.toThrow();
      }),
    );
  });
});

describe('when only a passkey will do', () => {
  it('with the policy off, never', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PURPOSES), fc.constantFrom({}, bank, factorChange), fc.nat({ max: 5 }), (purpose, content, passkeys) => {
        expect(phishingResistanceRequired(off, purpose, content, passkeys)).toBeUndefined();
      }),
    );
    expect(policyGuardsFactors(off)).toBe(false);
  });

  it('sign-in: only once the customer has a passkey (else nobody could sign in to register one)', () => {
    expect(phishingResistanceRequired(jsda, 'login', {}, 0)).toBeUndefined();
    expect(phishingResistanceRequired(jsda, 'login', {}, 1)).toBe('login');
  });

  it('withdrawals and bank changes: always, even with no passkey at all', () => {
    expect(phishingResistanceRequired(jsda, 'withdrawal', { amount: 900_000 }, 0)).toBe('withdrawal');
    expect(phishingResistanceRequired(jsda, 'registration_change', bank, 0)).toBe('bank_account');
    expect(phishingResistanceRequired(jsda, 'registration_change', { email: 'x@example.jp' }, 0)).toBeUndefined();
  });

  it('factor changes: under any policy, once the customer has a trusted passkey', () => {
    const withdrawalOnly = createPolicy({ phishingResistant: new Set(['withdrawal']) });
    expect(policyGuardsFactors(withdrawalOnly)).toBe(true);
    expect(phishingResistanceRequired(withdrawalOnly, 'mfa_settings', factorChange, 0)).toBeUndefined();
    expect(phishingResistanceRequired(withdrawalOnly, 'mfa_settings', factorChange, 1)).toBe('factors');
    expect(phishingResistanceRequired(withdrawalOnly, 'login', {}, 1)).toBeUndefined();
  });

  it('only operations the policy names, and only the operation the challenge is for', () => {
    fc.assert(
      fc.property(
        fc.subarray(['login', 'withdrawal', 'bank_account']),
        fc.constantFrom(...PURPOSES),
        fc.constantFrom({}, bank, factorChange),
        fc.nat({ max: 3 }),
        (named, purpose, content, passkeys) => {
          const policy = createPolicy({ phishingResistant: new Set(named) });
          const required = phishingResistanceRequired(policy, purpose, content, passkeys);
          if (required === undefined) return;
          expect(required).toBe(policedOperation(purpose, content));
          expect(required === 'factors' || named.includes(required)).toBe(true);
        },
      ),
    );
  });

  it('demands a step-up by itself for withdrawals and bank changes it names, and a mature passkey for them', () => {
    expect(policyDemandsStepUp(jsda, 'withdrawal', {})).toBe(true);
    expect(policyDemandsStepUp(jsda, 'registration_change', bank)).toBe(true);
    expect(policyDemandsStepUp(jsda, 'login', {})).toBe(false);
    expect(policyDemandsStepUp(off, 'withdrawal', {})).toBe(false);
    expect(policyDemandsStepUp(createPolicy({ phishingResistant: new Set(['login']) }), 'withdrawal', {})).toBe(false);
    expect(needsMaturePasskey(jsda, 'withdrawal')).toBe(true);
    expect(needsMaturePasskey(jsda, 'bank_account')).toBe(true);
    expect(needsMaturePasskey(jsda, 'login')).toBe(false);
    expect(needsMaturePasskey(jsda, 'factors')).toBe(false);
    expect(needsMaturePasskey(off, 'withdrawal')).toBe(false);
  });
});

describe('the cooling-off of a new passkey', () => {
  const passkey = (createdAt: number): PasskeyRecord => ({
    id: `pk${createdAt}`,
    customerId: 'c1',
    name: 'key',
    publicKey: 'x',
    counter: 0,
    transports: [],
    deviceType: 'singleDevice',
    backedUp: false,
    createdAt,
    lastUsedAt: null,
  });

  it('is 24 hours from registration by default, and what the policy says otherwise', () => {
    expect(passkeyMatureAt(jsda, { createdAt: 1_000 })).toBe(1_000 + 24 * HOUR);
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 30 * 24 * HOUR }), (createdAt, coolingOffMs) => {
        expect(passkeyMatureAt(createPolicy({ coolingOffMs }), { createdAt })).toBe(createdAt + coolingOffMs);
      }),
    );
  });

  function customerWith(createdAts: number[]) {
    return fakeDeps({ store: { factors: { listPasskeys: async (id: string) => (id === 'c1' ? createdAts.map(passkey) : []) } } });
  }

  it('refuses with factor_cooling_off, naming when, while every passkey is younger than 24 hours', async () => {
    const deps = customerWith([]);
    const now = deps.clock.now();
    deps.store.factors.listPasskeys = async () => [passkey(now - 2 * HOUR), passkey(now - 1 * HOUR)];
    const refused = await youngPasskeysOnly(deps, 'c1');
    expect(refused).toEqual({ failure: true, code: 'factor_cooling_off', fields: { availableAt: new Date(now + 22 * HOUR).toISOString(), retryAfter: 22 * 3600 } });
  });

  it('lets money move once one passkey is 24 hours old, and when there is no passkey at all', async () => {
    const none = customerWith([]);
    expect(await youngPasskeysOnly(none, 'c1')).toBeUndefined();
    const deps = customerWith([]);
    const now = deps.clock.now();
    deps.store.factors.listPasskeys = async () => [passkey(now - 24 * HOUR), passkey(now)];
    expect(await youngPasskeysOnly(deps, 'c1')).toBeUndefined();
    deps.store.factors.listPasskeys = async () => [passkey(now - 24 * HOUR + 1)];
    expect((await youngPasskeysOnly(deps, 'c1'))?.fields).toEqual({ availableAt: new Date(now + 1).toISOString(), retryAfter: 1 });
    deps.clock.advance(1);
    expect(await youngPasskeysOnly(deps, 'c1')).toBeUndefined();
  });
});
