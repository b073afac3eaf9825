import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/flows.js';
import { startPortal, type Portal } from './support/portal.js';
import { heading, signInWithPassword } from './support/steps.js';

// The session ends on the server (idle 30 minutes): the portal says so and goes back to ログイン.

describe('an ended session in the portal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('returns to the sign-in screen, saying why, when the session has ended', async () => {
    const customer = await createCustomer(portal.server);
    const { page } = await portal.open();
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    portal.server.clock.advance(31 * 60_000); // past the 30-minute idle timeout
    await page.getByRole('link', { name: '登録情報' }).click();
    await page.getByText('ログインの有効期限が切れました。もう一度ログインしてください。').waitFor();
    await heading(page, 'ログイン');
  });

  it('draws the sign-in form without waiting for /api/v1/me when the browser holds no session cookie', async () => {
    const customer = await createCustomer(portal.server);
    const { page } = await portal.open();
    const probes: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/v1/me') probes.push(request.url());
    });
    const scripts: Array<{ encoding?: string; cache?: string }> = [];
    page.on('response', (response) => {
      if (/\/assets\/.+\.js$/.test(response.url())) scripts.push({ encoding: response.headers()['content-encoding'], cache: response.headers()['cache-control'] });
    });
    await page.goto('/login');
    await page.getByLabel('ログインID').waitFor();
    expect(await page.getByText('読み込み中…').count()).toBe(0);
    expect(probes).toEqual([]);
    // The script came compressed, to be kept a year.
    expect(scripts).toEqual([{ encoding: 'br', cache: 'public, max-age=31536000, immutable' }]);

    // Signed in, a reload asks /api/v1/me (the cookie is there) and stays signed in.
    await signInWithPassword(page, customer);
    await heading(page, 'マイページ');
    await page.reload();
    await heading(page, 'マイページ');
    expect(probes.length).toBeGreaterThan(0);
  });
});
