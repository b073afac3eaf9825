import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../src/domain/kernel/ports.js';
import { dialect, useTestServer } from '../support/harness.js';
import { signedIn, signInWithPassword } from '../support/flows.js';
import { BANK } from '../factors/support/factor-flows.js';
import { bankChange, expectFrozen } from './support.js';

// A freeze that commits while a bank-account change is under way — after the change's first look at the
// freeze, while its trading password is being judged — stops the change: the change reads the freeze
// again inside its own transaction (src/domain/settings/profile.ts). Before, the new bank account was
// written under a freeze of withdrawals and bank-account changes.

/** A cheap hasher that runs `during` (once) while it judges a password: the moment another request can land. */
let during: (() => Promise<void>) | undefined;
function hookedHasher(): PasswordHasher {
  const digest = (password: string) => `fake$${createHash('sha256').update(password).digest('hex')}`;
  return {
    hash: async (password) => digest(password),
    async verify(hash, password) {
      const hook = during;
      during = undefined;
      if (hook) await hook();
      return hash === digest(password);
    },
    verifyDummy: async () => {},
    needsRehash: () => false,
  };
}

describe(`a freeze racing a bank-account change (${dialect})`, () => {
  const server = useTestServer({ overrides: { hasher: hookedHasher() } });

  it('the freeze commits while the trading password is judged: the change is refused (423) and nothing is written', async () => {
    const { customer, client } = await signedIn(server, { cash: 1_000_000, bankAccount: BANK });
    const other = server.client();
    expect((await signInWithPassword(other, customer)).status).toBe(200);
    let froze = false;
    during = async () => {
      expect((await other.post('/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
      froze = true;
    };
    expectFrozen(await bankChange(client, customer), 'withdrawals');
    expect(froze).toBe(true);
    const record = await server.kabuto.deps.store.customers.findByLoginId(customer.loginId);
    expect(record!.bankAccount).toEqual(BANK);
    const audit = (await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`)).body as Array<{ action: string }>;
    expect(audit.map((e) => e.action)).not.toContain('profile_changed');
  });

  it('without a freeze the same change goes through (the hook is harmless)', async () => {
    const { customer, client } = await signedIn(server, { cash: 1_000_000, bankAccount: BANK });
    let ran = false;
    during = async () => {
      ran = true;
    };
    const changed = await bankChange(client, customer);
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(ran).toBe(true);
    expect((await server.kabuto.deps.store.customers.findByLoginId(customer.loginId))!.bankAccount?.accountNumber).toBe('7654321');
  });
});
