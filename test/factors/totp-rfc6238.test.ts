import { describe, expect, it } from 'vitest';
import { matchTotpStep, totpCodeAt } from '../../src/domain/factors/totp.js';
import { decryptSecret, encryptSecret } from '../../src/domain/factors/encryption.js';
import { cryptoRandom } from '../../src/adapters/random.js';

// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's key length.
const SEEDS = {
  SHA1: Buffer.from('12345678901234567890'),
  SHA256: Buffer.from('12345678901234567890123456789012'),
  SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
} as const;

const VECTORS: Array<[number, string, keyof typeof SEEDS]> = [
  [59, '94287082', 'SHA1'],
  [59, '46119246', 'SHA256'],
  [59, '90693936', 'SHA512'],
  [1111111109, '07081804', 'SHA1'],
  [1111111109, '68084774', 'SHA256'],
  [1111111109, '25091201', 'SHA512'],
  [1111111111, '14050471', 'SHA1'],
  [1111111111, '67062674', 'SHA256'],
  [1111111111, '99943326', 'SHA512'],
  [1234567890, '89005924', 'SHA1'],
  [1234567890, '91819424', 'SHA256'],
  [1234567890, '93441116', 'SHA512'],
  [2000000000, '69279037', 'SHA1'],
  [2000000000, '90698825', 'SHA256'],
  [2000000000, '38618901', 'SHA512'],
  [20000000000, '65353130', 'SHA1'],
  [20000000000, '77737706', 'SHA256'],
  [20000000000, '47863826', 'SHA512'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('at %i s the code is %s (%s)', (seconds, code, algorithm) => {
    expect(totpCodeAt(SEEDS[algorithm], seconds * 1000, { algorithm, digits: 8 })).toBe(code);
    expect(matchTotpStep(SEEDS[algorithm], code, seconds * 1000, { algorithm, digits: 8 })).toBe(Math.floor(seconds / 30));
  });

  it('accepts one step either side, and no further', () => {
    const now = 1111111111_000;
    const at = (offsetSteps: number) => totpCodeAt(SEEDS.SHA1, now + offsetSteps * 30_000);
    expect(matchTotpStep(SEEDS.SHA1, at(-1), now)).toBe(Math.floor(now / 30_000) - 1);
    expect(matchTotpStep(SEEDS.SHA1, at(1), now)).toBe(Math.floor(now / 30_000) + 1);
    expect(matchTotpStep(SEEDS.SHA1, at(-2), now)).toBeUndefined();
    expect(matchTotpStep(SEEDS.SHA1, at(2), now)).toBeUndefined();
  });

  it('encrypts secrets with AES-256-GCM bound to the customer', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = encryptSecret(key, cryptoRandom, 'customer-a', SEEDS.SHA1);
    expect(sealed).not.toContain(SEEDS.SHA1.toString('base64url'));
    expect(decryptSecret(key, 'customer-a', sealed)).toEqual(SEEDS.SHA1);
    expect(() => decryptSecret(key, 'customer-b', sealed)).toThrow();
    expect(() => decryptSecret(Buffer.alloc(32, 8), 'customer-a', sealed)).toThrow();
  });
});
