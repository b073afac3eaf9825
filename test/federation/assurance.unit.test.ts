import { describe, expect, it } from 'vitest';
import { ACR, acrOfAmr, amrOfMethod, mergeAmr, requestedAcr, stepUpFor } from '../../src/domain/federation/assurance.js';
import { parseWithdrawalDetail } from '../../src/domain/federation/approvals.js';
import { clientMetadata } from '../../src/domain/federation/clients.js';
import { keysInUse, nextKeyChange } from '../../src/domain/federation/signing-keys.js';

// The federation room's pure rules: acr from amr, what a relying party's request takes, a withdrawal
// detail's shape, client registration, which signing key signs when.

describe('acr and amr', () => {
  it('maps how a session was authenticated to Kabuto\'s levels', () => {
    expect(acrOfAmr(['pwd'])).toBe(ACR.pwd);
    expect(acrOfAmr(mergeAmr(['pwd'], amrOfMethod('sms')))).toBe(ACR.twoFactor);
    expect(acrOfAmr(mergeAmr(['pwd'], amrOfMethod('totp')))).toBe(ACR.twoFactor);
    expect(acrOfAmr(['hwk', 'user', 'mfa'])).toBe(ACR.phishingResistant);
    expect(mergeAmr(['pwd'], ['sms'])).toEqual(['pwd', 'sms', 'mfa']);
    expect(mergeAmr(['pwd'])).toEqual(['pwd']);
    expect(mergeAmr(['hwk', 'user'])).toEqual(['hwk', 'user', 'mfa']);
  });

  it('reads acr_values as the weakest known level; unknown values ask nothing', () => {
    expect(requestedAcr(`${ACR.phishingResistant} ${ACR.twoFactor}`)).toBe(ACR.twoFactor);
    expect(requestedAcr('urn:other:gold')).toBeUndefined();
    expect(requestedAcr(undefined)).toBeUndefined();
  });

  it('asks for a step-up when the session is weaker than asked or older than max_age, and never for SMS to satisfy phr', () => {
    const now = 1_000_000_000;
    expect(stepUpFor(['pwd'], now, { acrValues: ACR.twoFactor }, now)).toEqual({ needed: true, acr: ACR.twoFactor, reason: 'acr' });
    expect(stepUpFor(['pwd', 'sms', 'mfa'], now, { acrValues: ACR.phishingResistant }, now)).toEqual({ needed: true, acr: ACR.phishingResistant, reason: 'acr' });
    expect(stepUpFor(['hwk', 'user', 'mfa'], now, { acrValues: ACR.twoFactor }, now)).toEqual({ needed: false });
    expect(stepUpFor(['pwd', 'sms', 'mfa'], now - 301_000, { maxAge: 300 }, now)).toEqual({ needed: true, acr: ACR.twoFactor, reason: 'max_age' });
    expect(stepUpFor(['pwd', 'sms', 'mfa'], now - 299_000, { maxAge: 300 }, now)).toEqual({ needed: false });
  });
});

describe('a withdrawal detail', () => {
  const good = { type: 'withdrawal', amount: 50_000, currency: 'JPY', bankAccount: { accountNumber: '1234567' } };
  it('is integer yen to an account number, nothing else', () => {
    expect(parseWithdrawalDetail(good)).toEqual(good);
    for (const bad of [{ ...good, amount: 1.5 }, { ...good, amount: 0 }, { ...good, amount: '50000' }, { ...good, currency: 'USD' }, { ...good, memo: 'x' }, { ...good, bankAccount: { accountNumber: '12ab' } }, { ...good, bankAccount: {} }, null, []]) {
      expect(parseWithdrawalDetail(bad)).toMatchObject({ failure: true });
    }
  });
});

describe('client registration', () => {
  const rules = { allowHttpLoopback: false };
  it('takes https redirect URIs only in production, loopback http outside it', () => {
    const input = { name: 'RP', authMethod: 'client_secret_basic' as const, redirectUris: ['http://127.0.0.1:9/cb'] };
    expect(clientMetadata(input, 'kc_1', rules)).toMatchObject({ failure: true });
    expect(clientMetadata(input, 'kc_1', { allowHttpLoopback: true })).toMatchObject({ client_id: 'kc_1', token_endpoint_auth_method: 'client_secret_basic' });
  });
});

describe('signing keys', () => {
  const key = (kid: string, activatesAt: number, retiredAt: number | null, expiresAt: number | null) => ({ kid, alg: 'RS256', publicJwk: {}, sealedPrivateJwk: 'x', createdAt: activatesAt, activatesAt, retiredAt, expiresAt });
  it('knows when the set of keys changes by itself', () => {
    const keys = [key('old', 0, 100, 200), key('new', 100, null, null)];
    expect(nextKeyChange(keys, 50)).toBe(100);
    expect(nextKeyChange(keys, 150)).toBe(200);
    expect(nextKeyChange(keys, 250)).toBeUndefined();
    // Nothing to open when nothing is published.
    expect(keysInUse({ secrets: { encryptionKey: Buffer.alloc(32), codeKey: Buffer.alloc(32), pepper: Buffer.alloc(32) } }, [key('gone', 0, 10, 20)], 30)).toEqual([]);
  });
});
