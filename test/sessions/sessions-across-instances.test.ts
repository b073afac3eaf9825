import { expect, it } from 'vitest';
import { describeAcrossProcesses, openAccountOn, SpreadClient } from '../ops/processes.js';

// Issue 16.1: a session ended from the sessions list (one, or all others) is refused at once on another
// instance that had it cached: the list's endings go through the sessions repository's revocation path.

const processes = describeAcrossProcesses('ending listed sessions', scenarios);

async function twoBrowsers() {
  const customer = await openAccountOn(processes[0]!.url, 'list');
  const mine = new SpreadClient(processes.map((p) => p.url));
  const other = new SpreadClient(processes.map((p) => p.url));
  for (const browser of [mine, other]) expect((await browser.request('POST', '/api/v1/login', { loginId: customer.loginId, password: customer.password }, 0)).status).toBe(200);
  // The other browser's session read (and cached) on the second instance.
  for (let i = 0; i < 2; i++) expect((await other.request('GET', '/api/v1/me', undefined, 1)).status).toBe(200);
  return { mine, other };
}

/** The other browser on the second instance, asked until refused (or 2 s pass): how long it took. */
async function refusedOnSecond(browser: SpreadClient, since: number): Promise<number> {
  for (;;) {
    const answer = await browser.request('GET', '/api/v1/me', undefined, 1);
    if (answer.status === 401) return Date.now() - since;
    expect(answer.status).toBe(200);
    if (Date.now() - since > 2_000) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function scenarios() {
  it('one session ended from the list on instance A is refused on instance B', async () => {
    const { mine, other } = await twoBrowsers();
    const { sessions } = (await mine.request('GET', '/api/v1/sessions', undefined, 0)).body;
    const target = sessions.find((s: { current: boolean }) => !s.current);
    const since = Date.now();
    expect((await mine.request('DELETE', `/api/v1/sessions/${target.id}`, {}, 0)).status).toBe(200);
    expect(await refusedOnSecond(other, since)).toBeLessThan(1_000);
    expect((await mine.request('GET', '/api/v1/me', undefined, 1)).status).toBe(200);
  });

  it('"sign out all others" on instance A: the other browser is refused on instance B', async () => {
    const { mine, other } = await twoBrowsers();
    const since = Date.now();
    expect((await mine.request('POST', '/api/v1/sessions/end-others', {}, 0)).status).toBe(200);
    expect(await refusedOnSecond(other, since)).toBeLessThan(1_000);
    expect((await mine.request('GET', '/api/v1/me', undefined, 1)).status).toBe(200);
  });
}
