import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { challengeMethods, codeMethods } from '../../src/domain/challenges/create.js';
import type { ExtraFactor } from '../../src/domain/factors/summary.js';
import type { ChallengeRecord } from '../../src/domain/kernel/types.js';
import { fakeDeps } from '../support/fake-ports.js';

// The ways a challenge offers to be passed: a code by SMS to a mobile, by voice to a landline (only
// where a voice provider is configured), then the factors enrolled when it was made; under the
// phishing-resistant policy, a passkey alone. No server, no database.

function challenge(data: Record<string, unknown>, targetPhone: string | null = '+819012345678'): ChallengeRecord {
  return {
    id: 'ch1',
    customerId: 'c1',
    purpose: 'login',
    contentHash: 'h',
    summary: 'ログイン',
    data,
    status: 'pending',
    attempts: 0,
    codeHash: null,
    codeExpiresAt: null,
    codeChannel: null,
    sends: 0,
    lastSentAt: null,
    targetPhone,
    createdAt: 0,
    expiresAt: 1,
    verifiedAt: null,
    usedAt: null,
  } as ChallengeRecord;
}

const voice = { call: async () => {} };
const withVoice = fakeDeps({ voice });
const withoutVoice = fakeDeps();
const extra = fc.subarray<ExtraFactor>(['totp', 'passkey', 'recovery_code']);

describe('code methods', () => {
  it('SMS to a mobile, naming only its last 4 digits', () => {
    expect(codeMethods(withoutVoice, challenge({ phoneType: 'mobile' }))).toEqual([{ type: 'sms', phoneLast4: '5678' }]);
    expect(codeMethods(withVoice, challenge({ phoneType: 'mobile' }))).toEqual([{ type: 'sms', phoneLast4: '5678' }]);
  });

  it('voice to a landline, only with a voice provider; never SMS to a landline', () => {
    expect(codeMethods(withVoice, challenge({ phoneType: 'landline' }, '+81312345678'))).toEqual([{ type: 'voice', phoneLast4: '5678' }]);
    expect(codeMethods(withoutVoice, challenge({ phoneType: 'landline' }, '+81312345678'))).toEqual([]);
  });

  it('none without a phone, or with a phone of unknown type', () => {
    expect(codeMethods(withVoice, challenge({ phoneType: 'mobile' }, null))).toEqual([]);
    expect(codeMethods(withVoice, challenge({}))).toEqual([]);
    expect(codeMethods(withVoice, challenge({ phoneType: 'satellite' }))).toEqual([]);
  });
});

describe('challenge methods', () => {
  it('are the code methods first, then the enrolled factors in their order', () => {
    expect(challengeMethods(withoutVoice, challenge({ phoneType: 'mobile', factors: ['totp', 'recovery_code'] }))).toEqual([
      { type: 'sms', phoneLast4: '5678' },
      { type: 'totp' },
      { type: 'recovery_code' },
    ]);
    expect(challengeMethods(withoutVoice, challenge({ factors: ['passkey'] }, null))).toEqual([{ type: 'passkey' }]);
    expect(challengeMethods(withoutVoice, challenge({}, null))).toEqual([]);
  });

  it('under the phishing-resistant policy: a passkey alone, never a code, a TOTP or a recovery code', () => {
    fc.assert(
      fc.property(extra, fc.constantFrom('mobile', 'landline'), fc.boolean(), (factors, phoneType, hasVoice) => {
        const methods = challengeMethods(hasVoice ? withVoice : withoutVoice, challenge({ phoneType, factors, phishingResistant: 'withdrawal' }));
        expect(methods).toEqual(factors.includes('passkey') ? [{ type: 'passkey' }] : []);
      }),
    );
  });

  it('offer every enrolled factor exactly once, and a code only where one can be delivered', () => {
    fc.assert(
      fc.property(extra, fc.constantFrom('mobile', 'landline', undefined), fc.boolean(), (factors, phoneType, hasVoice) => {
        const methods = challengeMethods(hasVoice ? withVoice : withoutVoice, challenge({ phoneType, factors }));
        const types = methods.map((m) => m.type);
        expect(types.filter((t) => t !== 'sms' && t !== 'voice')).toEqual(factors);
        const codes = types.filter((t) => t === 'sms' || t === 'voice');
        expect(codes).toEqual(phoneType === 'mobile' ? ['sms'] : phoneType === 'landline' && hasVoice ? ['voice'] : []);
      }),
    );
  });
});
