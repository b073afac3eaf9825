import { afterAll, beforeAll, describe, it } from 'vitest';
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
});
