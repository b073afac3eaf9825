import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { createCustomer } from '../support/flows.js';
import { figure, median, useMailBehindProxy } from '../faults/fake-smtp.js';

// Issue 11.6: only an existing login ID sends a lock notice on its 5th wrong password. When that
// notice was sent inside the request, a slow mail server made the 5th answer for a real ID seconds
// slower than for an unknown one: an existence oracle. Notices now leave through the durable outbox,
// so the answer time cannot depend on what the request causes to be sent. Compared as medians of
// interleaved samples (the same machine load on both), never as absolute times.

describe('attack: timing oracle through what a request sends', () => {
  const mail = useMailBehindProxy();
  beforeAll(() => {
    // A mail server that accepts connections and never answers: each send waits out the 3 s time-out.
    mail.proxy.set('freeze');
  });
  const server = useTestServer(() => ({ env: { KABUTO_SMTP_URL: mail.proxy.url('smtp'), KABUTO_SMTP_TIMEOUT_MS: '3000', KABUTO_TRUST_PROXY: '1' } }), { per: 'suite' });

  it('the 5th wrong password of an existing ID (lock, notice) answers as fast as for an unknown ID', async () => {
    const rounds = 3;
    const existing: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const customer = await createCustomer(server);
      // Each login ID from its own address: the per-address throttle stays out of the measurement.
      const attempt = async (loginId: string, address: string, i: number) => {
        const started = performance.now();
        const response = await server.client().post('/api/v1/login', { loginId, password: `wrong guess number ${i}` }, { 'x-forwarded-for': address });
        return { ms: performance.now() - started, status: response.status };
      };
      let last = { real: 0, none: 0 };
      for (let i = 1; i <= 5; i++) {
        // Interleaved: both see the same load on the machine.
        const real = await attempt(customer.loginId, `198.51.100.${round + 1}`, i);
        const none = await attempt(`nobody-${round}-${process.pid}`, `203.0.113.${round + 1}`, i);
        expect(real.status).toBe(none.status);
        last = { real: real.ms, none: none.ms };
      }
      existing.push(last.real);
      unknown.push(last.none);
    }
    // The lock notices are queued (not sent: the mail server hangs), one per existing ID.
    await expect.poll(async () => (await server.kabuto.deps.store.notices.counts()).pending + (await server.kabuto.deps.store.notices.counts()).dead).toBeGreaterThanOrEqual(rounds);
    const real = median(existing);
    const none = median(unknown);
    figure(`5th wrong password with a hanging mail server: existing ID median ${real.toFixed(0)} ms, unknown ID median ${none.toFixed(0)} ms (ratio ${(real / none).toFixed(2)}; the SMTP time-out is 3000 ms)`);
    // Had the request waited for the mail server, the existing ID would be ~3 s slower.
    expect(real - none).toBeLessThan(1_000);
  });
});
