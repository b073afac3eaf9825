import { describe, expect, it } from 'vitest';
import { createArgon2Hasher } from '../../src/adapters/argon2-hasher.js';
import { deriveSecrets } from '../../src/domain/kernel/crypto.js';
import type { PasswordHasher } from '../../src/domain/kernel/ports.js';
import { TEST_SECRET, useTestServer } from '../support/harness.js';
import { createCustomer } from '../support/flows.js';
import type { HttpResponse } from '../support/http-client.js';

/** The real hasher, counting the hashes each request costs. */
function countingHasher() {
  const real = createArgon2Hasher({ pepper: deriveSecrets(Buffer.from(TEST_SECRET, 'hex')).pepper });
  const counter = { verifications: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => real.hash(p),
    needsRehash: (h) => real.needsRehash(h),
    async verify(h, p) {
      counter.verifications++;
      return real.verify(h, p);
    },
    async verifyDummy(p) {
      counter.verifications++;
      return real.verifyDummy(p);
    },
  };
  return { hasher, counter };
}

const IGNORED_HEADERS = new Set(['date', 'x-request-id']);

function comparable(response: HttpResponse) {
  const headers = [...response.headers.entries()].filter(([name]) => !IGNORED_HEADERS.has(name));
  return { status: response.status, headers, body: { ...response.body, requestId: typeof response.body.requestId } };
}

describe('attack: account enumeration at sign-in', () => {
  let counter: { verifications: number };
  const server = useTestServer(() => {
    const counting = countingHasher();
    counter = counting.counter;
    return { overrides: { hasher: counting.hasher } };
  });

  it('answers unknown ID, wrong password and locked account with the same status, body, headers and cookies, at the cost of one hash each', async () => {
    const customer = await createCustomer(server);
    const locked = await createCustomer(server);
    const attacker = server.client();
    for (let i = 0; i < 5; i++) await attacker.post('/api/v1/login', { loginId: locked.loginId, password: `guess number ${i} xx` });

    const measure = async (loginId: string, password: string) => {
      const before = counter.verifications;
      const response = await server.client().post('/api/v1/login', { loginId, password });
      return { response, hashes: counter.verifications - before };
    };
    const unknown = await measure('no-such-customer', 'some password guess');
    const wrong = await measure(customer.loginId, 'some password guess');
    const lockedWrong = await measure(locked.loginId, 'some password guess');
    const lockedRight = await measure(locked.loginId, locked.password);

    for (const attempt of [unknown, wrong, lockedWrong, lockedRight]) {
      expect(attempt.hashes).toBe(1);
      expect(comparable(attempt.response)).toEqual(comparable(unknown.response));
      expect(attempt.response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('answers the admin API the same for a wrong token of any length', async () => {
    const short = await server.client().request('GET', '/api/admin/v1/customers/x/audit', undefined, { authorization: 'Bearer a' });
    const long = await server.client().request('GET', '/api/admin/v1/customers/x/audit', undefined, { authorization: `Bearer ${'a'.repeat(500)}` });
    expect(short.status).toBe(401);
    expect(comparable(long)).toEqual(comparable(short));
  });
});
