import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import type { HttpClient } from '../support/http-client.js';

describe('attack: a login flood far beyond the hashing capacity', () => {
  let customer: HttpClient;
  // One hashing thread and a queue of 8: the flood below is many times what it can take.
  const server = useTestServer({ env: { KABUTO_TRUST_PROXY: '1' }, overrides: { hasherConcurrency: 1, hasherMaxQueue: 8 } }, { per: 'suite' });
  beforeAll(async () => {
    const account = await createCustomer(server);
    customer = server.client();
    await signInWithPassword(customer, account);
  });

  it('sheds the excess at once with 503 and Retry-After, keeps memory flat, and signed-in customers keep being served', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let stop = false;
    const reads: number[] = [];
    const reader = (async () => {
      while (!stop) reads.push((await customer.get('/api/v1/account')).status);
    })();
    const flood = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        server.client().post('/api/v1/login', { loginId: `flood${i}`, password: 'stuffed password 123' }, { 'x-forwarded-for': `10.${i >> 8}.${i & 255}.1` }),
      ),
    );
    stop = true;
    await reader;

    const shed = flood.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThan(200);
    for (const response of shed) {
      expect(response.body.error).toBe('overloaded');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(flood.every((r) => r.status === 503 || r.status === 401)).toBe(true);
    expect(server.kabuto.hasherStats().queued).toBe(0);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((status) => status === 200)).toBe(true);
    expect((await customer.get('/api/v1/account')).status).toBe(200);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
