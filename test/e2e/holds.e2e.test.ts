import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESSES, seedVictim } from '../risk/support.js';
import { screenshot, startPortal, type Portal } from './support/portal.js';
import { enterCodeFromSms, heading, sendCode, signInWithSms } from './support/steps.js';

// Issue 17 in the portal: an order the risk engine holds (202) is said in words with the way to it, マイページ
// tells of it, and 保留中のお取引 lets the customer confirm it with a passkey past its cooling-off — a passkey
// younger than that does not confirm. The customer orders while travelling, on a hotel's network abroad (the
// browser comes through the trusted proxy from a foreign hosting network); back home, they confirm it.

/** 20:00 JST on a weekday: the customer's usual hour (test/risk seeds the history). */
const START = Date.UTC(2026, 2, 2, 11, 0, 0);

describe('portal: a held order and its confirmation by passkey', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal({ KABUTO_TRUST_PROXY: '1' }, { startAt: START });
  });
  afterAll(() => portal.close());

  it('holds an illiquid buy from a foreign hosting network, says so, and carries it out once the customer confirms with a mature passkey', async () => {
    const { server } = portal;
    const victim = await seedVictim(server);
    const { customer } = victim;

    // Abroad, on a hotel's network (a hosting provider): the thinly traded foreign share is held.
    const abroad = await portal.open({ headers: { 'x-forwarded-for': ADDRESSES.foreignHosting } });
    await signInWithSms(server, abroad.page, customer);
    await abroad.page.goto('/order');
    await heading(abroad.page, '注文');
    await abroad.page.getByLabel('銘柄').selectOption('GLDP');
    await abroad.page.getByLabel('数量（株）').fill('100');
    await abroad.page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await abroad.page.getByRole('button', { name: '注文する' }).click();
    await abroad.page.getByText('ご本人確認のため、このお取引をお預かりしました。まだ実行していません。').waitFor();
    await screenshot(abroad.page, '97-order-held');
    expect(await abroad.page.getByText('注文を受け付けました。').count()).toBe(0);

    // At home: マイページ tells of the held order; a passkey registered today does not confirm it.
    const own = await portal.open({ localhost: true });
    const cdp = await own.context.newCDPSession(own.page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await signInWithSms(server, own.page, customer);
    await own.page.getByText('ご本人確認のためお預かりしているお取引が1件あります。').waitFor();
    await own.page.goto('/settings/passkeys');
    await heading(own.page, 'パスキー');
    await own.page.getByLabel('パスキーの名前（例: iPhone）').fill('この端末');
    await own.page.getByLabel('取引パスワード').fill(customer.tradingPassword);
    await own.page.getByRole('button', { name: 'パスキーを登録' }).click();
    // A new factor is a change to 2FA: the code to the customer's phone first.
    await sendCode(own.page);
    await enterCodeFromSms(server, own.page, customer.phone!, '実行する');
    await own.page.getByText('パスキー「この端末」を登録しました').waitFor();

    await own.page.goto('/mypage');
    await own.page.getByRole('link', { name: '保留中のお取引を確認する' }).click();
    await heading(own.page, '保留中のお取引');
    const hold = own.page.getByTestId('hold');
    await hold.getByText('確認待ち').waitFor();
    await screenshot(own.page, '98-holds');
    await own.page.getByRole('button', { name: 'パスキーで確認して実行する' }).click();
    await own.page.getByText('登録から24時間以上たったパスキーがないため、まだ確認できません。', { exact: false }).waitFor();
    expect(await own.page.getByText('ご本人確認ができました。お取引を実行しました。').count()).toBe(0);
    expect(await hold.getByText('確認待ち').count()).toBe(1);

    // A day and an hour later the passkey is past its cooling-off: it signs the customer in and confirms.
    server.clock.advance(25 * 60 * 60_000);
    await own.page.goto('/login');
    // The sign-in page offers the passkey in the login ID's autofill (conditional mediation), which the virtual
    // authenticator may answer by itself at any moment — even while パスキーでログイン is being clicked (the button
    // then leaves the page under the click). Whichever signs in first, マイページ follows.
    const myPage = own.page.getByRole('heading', { name: 'マイページ', exact: true });
    const passkeyButton = own.page.getByRole('button', { name: 'パスキーでログイン' });
    await Promise.race([
      myPage.waitFor(),
      passkeyButton.click({ timeout: 15_000 }).catch(() => undefined),
    ]);
    await heading(own.page, 'マイページ');
    await own.page.getByRole('link', { name: '保留中のお取引を確認する' }).click();
    await heading(own.page, '保留中のお取引');
    await own.page.getByRole('button', { name: 'パスキーで確認して実行する' }).click();
    await own.page.getByText('ご本人確認ができました。お取引を実行しました。').waitFor();
    await hold.getByText('実行済み').waitFor();
    await screenshot(own.page, '99-hold-confirmed');
    const holdings = await server.kabuto.deps.store.money.holdings(victim.record.id);
    expect(holdings.find((h) => h.symbol === 'GLDP')?.quantity).toBe(100);
    expect(own.problems).toEqual([]);
  });
});
