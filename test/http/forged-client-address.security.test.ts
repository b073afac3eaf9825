import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { TEST_SECRET, useTestServers } from '../support/harness.js';
import { createCustomer } from '../support/flows.js';

// Issue 11.8: behind a proxy that appends to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for,
// cloud load balancers), the client controls every entry left of the one the proxy added. Only the
// hops KABUTO_TRUST_PROXY names are believed: a forged leftmost entry changes nothing.

describe('attack: forging the client address behind a reverse proxy', () => {
  const servers = useTestServers();

  for (const trust of ['1', '127.0.0.1', '127.0.0.0/8,::1']) {
    it(`KABUTO_TRUST_PROXY=${trust}: a forged leftmost entry moves neither the throttle nor the login history`, async () => {
      const server = await servers.start({ env: { KABUTO_TRUST_PROXY: trust } });
      const victim = await createCustomer(server);
      // What the proxy forwards: the client's forged header, then the client's real address appended.
      const through = (forged: string) => ({ 'x-forwarded-for': `${forged}, 203.0.113.50` });
      for (let i = 0; i < 20; i++) {
        const response = await server.client().post('/api/v1/login', { loginId: `nobody${i}`, password: 'guess long enough' }, through(`198.51.100.${i + 1}`));
        expect(response.status).toBe(401);
      }
      const throttled = await server.client().post('/api/v1/login', { loginId: 'nobody-else', password: 'guess long enough' }, through('192.0.2.1'));
      expect(throttled.status).toBe(429);

      // Another real client behind the same proxy is not throttled, and its history shows its real address.
      const client = server.client();
      const signedIn = await client.post('/api/v1/login', { loginId: victim.loginId, password: victim.password }, { 'x-forwarded-for': '10.9.8.7, 203.0.113.60' });
      expect(signedIn.status).toBe(200);
      const history = await client.get('/api/v1/history/logins');
      expect(history.body[0].address).toBe('203.0.113.60');
      expect(JSON.stringify(history.body)).not.toContain('10.9.8.7');
    });
  }

  it('reads hop counts and proxy lists; `true` means one hop, never the whole chain', () => {
    const base = { NODE_ENV: 'test', KABUTO_SECRET: TEST_SECRET, KABUTO_DATABASE_URL: ':memory:' };
    expect(loadConfig({ ...base, KABUTO_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, KABUTO_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, KABUTO_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, KABUTO_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, KABUTO_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    for (const wrong of ['yes', '10.0.0.0/33', '10.0.0', 'proxy.example', '1.2.3.4/8/9']) {
      expect(() => loadConfig({ ...base, KABUTO_TRUST_PROXY: wrong }), wrong).toThrow(/KABUTO_TRUST_PROXY/);
    }
  });
});
