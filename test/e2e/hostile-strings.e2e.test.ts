import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/flows.js';
import { startPortal, type Portal } from './support/portal.js';
import { heading, signInWithPassword } from './support/steps.js';

// Stored text is data, never markup: a name, a bank account or a browser string written to attack
// the portal is shown as the characters it is, and nothing in it runs.

const NAME = '<img src=x onerror="window.__pwned=1">';
const BANK = '<script>window.__pwned=2</script>';
const HOLDER = '"><svg onload="window.__pwned=3">';

describe('hostile strings in the portal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('shows them as text and runs none of them', async () => {
    const customer = await createCustomer(portal.server, {
      bankAccount: { bankName: BANK, branchName: '本店', accountNumber: '1234567', holderName: HOLDER },
      cash: 10_000,
    });
    // A second customer carries the hostile name, and signs in with a hostile browser string.
    const named = await portal.server.admin().post('/api/admin/v1/customers', {
      loginId: 'hostile-name',
      name: NAME,
      email: 'hostile-name@example.jp',
      password: 'a long enough passphrase 7',
      tradingPassword: 'trading-pass-7',
    });
    expect(named.status).toBe(201);

    const { page, problems } = await portal.open();
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    await page.goto('/withdrawal');
    await page.getByText(BANK, { exact: false }).first().waitFor();

    const other = await portal.open();
    await other.context.setExtraHTTPHeaders({ 'user-agent': '<img src=x onerror="window.__pwned=4">' });
    await signInWithPassword(other.page, { loginId: 'hostile-name', password: 'a long enough passphrase 7' });
    await heading(other.page, 'マイページ');
    await other.page.goto('/settings');
    await other.page.getByText(NAME).waitFor();
    await other.page.goto('/history/logins');
    await other.page.waitForLoadState('networkidle');

    for (const p of [page, other.page]) {
      expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await p.locator('img[src="x"], svg[onload]').count()).toBe(0);
    }
    expect(problems).toEqual([]);
    expect(other.problems).toEqual([]);
  });
});
