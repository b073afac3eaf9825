import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import { ADMIN_TOKEN, describeOn } from '../support/harness.js';
import { openAccountOn, SpreadClient, startOnPostgres, startOnSqliteFile, stopAll, type ServeProcess } from './processes.js';

// Every instance keeps a session cache (copies live 2 s); a revocation on one instance must end the
// session on every other within 1 s: PostgreSQL LISTEN/NOTIFY, sent with the committing write. On
// SQLite two processes share a file only during a rolling restart: the cache is emptied whenever the
// other process committed (PRAGMA data_version), so the revocation holds at the next request.

let processes: ServeProcess[] = [];

const openAccount = () => openAccountOn(processes[0]!.url, 'revoke');

/** Signed in on A; the session read (and cached) on B and C twice, the last just before the revocation. */
async function signedInEverywhere() {
  const customer = await openAccount();
  const browser = new SpreadClient(processes.map((p) => p.url));
  expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password }, 0)).status).toBe(200);
  for (const on of [1, 2, 1, 2]) expect((await browser.request('GET', '/api/v1/me', undefined, on)).status).toBe(200);
  return { customer, browser };
}

/** How long until the cookie is refused on B and C, each asked in turn until it is (or 2 s pass). */
async function refusedWithin(browser: SpreadClient, since: number): Promise<number[]> {
  const cookies = new Map(browser.cookies);
  return Promise.all(
    [1, 2].map(async (on) => {
      const copy = new SpreadClient(processes.map((p) => p.url));
      for (;;) {
        for (const [k, v] of cookies) copy.cookies.set(k, v);
        const answer = await copy.request('GET', '/api/v1/me', undefined, on);
        if (answer.status === 401) return Date.now() - since;
        expect(answer.status).toBe(200);
        if (Date.now() - since > 2_000) return Date.now() - since;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
}

describeOn('postgres', 'session revocation across three processes on one PostgreSQL database', () => {
  beforeAll(async () => {
    processes = await startOnPostgres(3);
  }, 90_000);

  afterAll(() => stopAll(processes));

  it('sign out on A: the cookie is refused on B and C within 1 s', async () => {
    const { browser } = await signedInEverywhere();
    const cookies = new Map(browser.cookies);
    const since = Date.now();
    expect((await browser.request('POST', '/api/v1/logout', {}, 0)).status).toBe(204);
    for (const [k, v] of cookies) browser.cookies.set(k, v);
    const delays = await refusedWithin(browser, since);
    for (const delay of delays) expect(delay).toBeLessThan(1_000);
  });

  it('an operator action on A (2FA reset, in a transaction) ends the session on B and C within 1 s', async () => {
    const { customer, browser } = await signedInEverywhere();
    const admin = new HttpClient(processes[0]!.url, { authorization: `Bearer ${ADMIN_TOKEN}` });
    const since = Date.now();
    expect((await admin.post(`/api/admin/v1/customers/${customer.loginId}/mfa/reset`, {})).status).toBe(200);
    const delays = await refusedWithin(browser, since);
    for (const delay of delays) expect(delay).toBeLessThan(1_000);
  });

  it("a change of the customer's row on A is seen on B and C within 1 s (the customer is cached beside the session)", async () => {
    const { customer, browser } = await signedInEverywhere();
    for (const on of [1, 2]) expect((await browser.request('GET', '/api/v1/settings/profile', undefined, on)).status).toBe(200);
    const address = `札幌市中央区 ${Date.now()}`;
    const since = Date.now();
    expect((await browser.request('PUT', '/api/v1/settings/profile', { address, tradingPassword: customer.tradingPassword }, 0)).status).toBe(200);
    const delays = await Promise.all(
      [1, 2].map(async (on) => {
        for (;;) {
          const answer = await browser.request('GET', '/api/v1/settings/profile', undefined, on);
          expect(answer.status).toBe(200);
          if ((answer.body as { address?: string }).address === address || Date.now() - since > 2_000) return Date.now() - since;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    for (const delay of delays) expect(delay).toBeLessThan(1_000);
  });
});

describeOn('sqlite', 'session revocation across two processes on one SQLite file (a rolling restart)', () => {
  beforeAll(async () => {
    processes = await startOnSqliteFile();
  }, 90_000);

  afterAll(() => stopAll(processes));

  it('sign out on A: the cookie cached on B is refused at its next request', async () => {
    const customer = await openAccount();
    const browser = new SpreadClient(processes.map((p) => p.url));
    expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password }, 0)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await browser.request('GET', '/api/v1/me', undefined, 1)).status).toBe(200);
    const cookies = new Map(browser.cookies);
    expect((await browser.request('POST', '/api/v1/logout', {}, 0)).status).toBe(204);
    for (const [k, v] of cookies) browser.cookies.set(k, v);
    expect((await browser.request('GET', '/api/v1/me', undefined, 1)).status).toBe(401);
  });
});
