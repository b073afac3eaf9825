import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { latestCode, type TestCustomer } from '../../support/flows.js';
import type { TestServer } from '../../support/harness.js';

// The customer's moves on the portal, as they read the screen: by label and by button name.

export async function signInWithPassword(page: Page, customer: Pick<TestCustomer, 'loginId' | 'password'>): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('ログインID').fill(customer.loginId);
  await page.getByLabel('ログインパスワード').fill(customer.password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

/**
 * The code screen after 送信: read the SMS, type the code, 認証する; for a protected operation
 * (`then` = 実行する) the check passes first (認証しました) and 実行する then carries the operation out.
 */
export async function enterCodeFromSms(server: TestServer, page: Page, phone: string, then: '認証する' | '実行する'): Promise<string> {
  const code = await latestCode(server, phone);
  await page.getByLabel('認証コード（6桁）').fill(code);
  await page.getByRole('button', { name: '認証する', exact: true }).click();
  if (then === '実行する') {
    await heading(page, '認証しました');
    await page.getByRole('button', { name: '実行する', exact: true }).click();
  }
  return code;
}

/** On the challenge screen: 送信, and wait for the code box. */
export async function sendCode(page: Page): Promise<void> {
  await page.getByRole('button', { name: '送信', exact: true }).click();
  await page.getByLabel('認証コード（6桁）').waitFor();
}

export async function signInWithSms(server: TestServer, page: Page, customer: TestCustomer): Promise<void> {
  await signInWithPassword(page, customer);
  await expect.poll(() => page.getByText(`SMS送信先: ***-****-${customer.phone!.slice(-4)}`).isVisible()).toBe(true);
  await page.getByRole('button', { name: '送信', exact: true }).click();
  await page.getByLabel('認証コード（6桁）').waitFor();
  await enterCodeFromSms(server, page, customer.phone!, '認証する');
  await page.getByRole('heading', { name: 'マイページ' }).waitFor();
}

export async function heading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

/**
 * Counts the page's requests from now on. `settled()` waits until none is in flight and what their answers set
 * (the portal's last-activity time among it) has been set. Tests that move the browser's clock wait for it
 * first: an answer arriving after the move would restart the idle count.
 */
export function trackRequests(page: Page): { settled(): Promise<void> } {
  let inFlight = 0;
  page.on('request', () => inFlight++);
  page.on('requestfinished', () => inFlight--);
  page.on('requestfailed', () => inFlight--);
  return {
    async settled() {
      await expect.poll(() => inFlight, { timeout: 10_000 }).toBe(0);
      // The answers' handlers run in the page: one round trip through its event loop after the last one (a message
      // port, which the browser's fake clock leaves alone).
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve(null);
            channel.port2.postMessage(null);
          }),
      );
    },
  };
}
