import type { Kabuto } from './kabuto.js';
import { createCustomer, type NewCustomer } from './domain/customers/customers.js';
import { findCustomer } from './domain/customers/lookup.js';
import { isFailure } from './domain/kernel/errors.js';

// Development mode only: customers a newcomer can sign in as at once, 2FA off so the seed's steps
// (turn SMS on, sign out, sign in with a code) can be walked from the beginning.

export const DEMO_CUSTOMERS: Array<NewCustomer & { loginId: string; cash: number }> = [
  {
    loginId: 'demo',
    name: '兜 太郎',
    email: 'demo@kabuto.example',
    password: 'kabuto-tarou-2026-login',
    tradingPassword: 'tarou-trade-2026',
    phone: '090-1234-5678',
    address: '東京都中央区日本橋兜町1-1',
    bankAccount: { bankName: 'みずほ銀行', branchName: '兜町支店', accountNumber: '1234567', holderName: 'カブト タロウ' },
    cash: 1_000_000,
  },
  {
    loginId: 'demo-landline',
    name: '兜 花子',
    email: 'landline@kabuto.example',
    password: 'kabuto-hanako-2026-login',
    tradingPassword: 'hanako-trade-2026',
    phone: '03-1234-5678',
    address: '東京都中央区日本橋兜町2-2',
    bankAccount: { bankName: '三井住友銀行', branchName: '日本橋支店', accountNumber: '7654321', holderName: 'カブト ハナコ' },
    cash: 500_000,
  },
];

/** Creates the demo customers that are missing; returns those created. */
export async function seedDemoCustomers(kabuto: Kabuto): Promise<typeof DEMO_CUSTOMERS> {
  const created: typeof DEMO_CUSTOMERS = [];
  for (const demo of DEMO_CUSTOMERS) {
    if (await findCustomer(kabuto.deps, demo.loginId)) continue;
    const { cash, ...input } = demo;
    const customer = await createCustomer(kabuto.deps, input, 'demo-seed');
    if (isFailure(customer)) throw new Error(`demo customer ${demo.loginId}: ${customer.code} ${JSON.stringify(customer.fields)}`);
    await kabuto.hooks.onInitialCash(customer, cash);
    created.push(demo);
  }
  return created;
}
