import { describe, expect, it } from 'vitest';
import { type TestServer, useTestServers } from '../support/harness.js';
import { createCustomer, outbox, signInWithPassword } from '../support/flows.js';

// Issue 11.12: device tokens come only from the server (a value the client chose is never accepted
// or registered), and over https the cookies carry the __Host- prefix.

const notices = async (server: TestServer, email: string) => (await outbox(server, email)).filter((m) => m.subject?.includes('ログインのお知らせ'));

describe('attack: choosing one’s own device cookie', () => {
  const servers = useTestServers();

  it('never registers a client-chosen kabuto_device value: it stays a new device, and the server issues its own', async () => {
    const server = await servers.start();
    const customer = await createCustomer(server);
    const chosen = 'A'.repeat(43);
    const attacker = server.client();
    attacker.cookies.set('kabuto_device', chosen);
    expect((await signInWithPassword(attacker, customer)).body.status).toBe('signed_in');
    expect(attacker.cookies.get('kabuto_device')).not.toBe(chosen);
    expect(await notices(server, customer.email)).toHaveLength(1);
    // Presented again from another browser, the chosen value is still nobody's device.
    const again = server.client();
    again.cookies.set('kabuto_device', chosen);
    expect((await signInWithPassword(again, customer)).body.status).toBe('signed_in');
    expect(await notices(server, customer.email)).toHaveLength(2);
    // The server's own token is recognised: no notice.
    const issued = server.client();
    issued.cookies.set('kabuto_device', attacker.cookies.get('kabuto_device')!);
    expect((await signInWithPassword(issued, customer)).body.status).toBe('signed_in');
    expect(await notices(server, customer.email)).toHaveLength(2);
  });

  it('a chosen device value does not exempt guesses from the account lock', async () => {
    const server = await servers.start();
    const customer = await createCustomer(server);
    const attacker = server.client();
    attacker.cookies.set('kabuto_device', 'B'.repeat(43));
    for (let i = 0; i < 5; i++) await attacker.post('/api/v1/login', { loginId: customer.loginId, password: `wrong ${i} long enough` });
    // Locked: the right password from the same "device" is refused.
    expect((await signInWithPassword(attacker, customer)).status).toBe(401);
  });

  it('names the cookies __Host- over https, Secure, path /, no Domain; a plain session cookie is not read', async () => {
    const server = await servers.start({ env: { KABUTO_PUBLIC_ORIGIN: 'https://kabuto.example.jp' } });
    const customer = await createCustomer(server);
    const browser = server.client();
    const login = await signInWithPassword(browser, customer);
    expect(login.body.status).toBe('signed_in');
    const setCookies = login.headers.getSetCookie();
    for (const name of ['__Host-kabuto_session', '__Host-kabuto_device']) {
      const cookie = setCookies.find((c) => c.startsWith(`${name}=`));
      expect(cookie, name).toBeDefined();
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      expect(cookie).not.toMatch(/;\s*Domain=/i);
    }
    expect(setCookies.some((c) => c.startsWith('kabuto_session='))).toBe(false);
    expect((await browser.get('/api/v1/me')).status).toBe(200);

    // The same token under the plain name (as a sibling subdomain could plant it) is not a session.
    const planted = server.client();
    planted.cookies.set('kabuto_session', browser.cookies.get('__Host-kabuto_session')!);
    expect((await planted.get('/api/v1/me')).status).toBe(401);

    // A device cookie from before the prefix is still read, and moved to the prefixed name.
    const migrating = server.client();
    migrating.cookies.set('kabuto_device', browser.cookies.get('__Host-kabuto_device')!);
    const again = await signInWithPassword(migrating, customer);
    expect(again.body.status).toBe('signed_in');
    expect(await notices(server, customer.email)).toHaveLength(1);
    expect(migrating.cookies.get('__Host-kabuto_device')).toBe(browser.cookies.get('__Host-kabuto_device'));
  });
});
