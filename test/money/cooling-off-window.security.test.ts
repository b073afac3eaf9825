import { describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { confirmNewEmail, e164, outbox, passChallengeBySms } from '../support/flows.js';
import { BANK, moneyCustomer, withdraw } from './money-support.js';

// Issue 11.7: the warning to replaced contacts looked back only to the latest change, so a second
// change (a bank account after the e-mail) hid the first. Replaced contacts are now kept, and every
// contact replaced within the cooling-off window hears of a held withdrawal.

describe(`cooling-off: every contact replaced within the window is told (${dialect})`, () => {
  const server = useTestServer({}, { per: 'suite' });

  it('e-mail change, then bank change, then a withdrawal: the replaced address hears of it', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 500_000 });
    const original = customer.email;
    expect((await client.put('/api/v1/settings/profile', { email: `thief-${original}`, tradingPassword: customer.tradingPassword })).status).toBe(200);
    await confirmNewEmail(server, client, `thief-${original}`);
    server.clock.advance(10 * 60_000);
    expect((await client.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '6543210' }, tradingPassword: customer.tradingPassword })).status).toBe(200);
    server.clock.advance(10 * 60_000);

    const held = await withdraw(client, customer, 400_000);
    expect(held.body.status).toBe('pending');
    const toOriginal = (await outbox(server, original)).filter((m) => m.subject?.includes('出金指示を受け付けました'));
    expect(toOriginal).toHaveLength(1);
    expect(toOriginal[0]!.body).toContain('400,000');
    expect(toOriginal[0]!.body).toContain('保留');
  });

  it('phone change, then bank change, then a withdrawal: the replaced phone gets the SMS', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 500_000 });
    const newPhone = '080-3131-4242';
    const first = await client.put('/api/v1/settings/phone', { phone: newPhone, tradingPassword: customer.tradingPassword });
    expect(first.status).toBe(403);
    await passChallengeBySms(server, client, first.body.challenge.id, newPhone);
    expect((await client.put('/api/v1/settings/phone', { phone: newPhone, tradingPassword: customer.tradingPassword, challengeId: first.body.challenge.id })).status).toBe(200);
    server.clock.advance(10 * 60_000);
    expect((await client.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '6543211' }, tradingPassword: customer.tradingPassword })).status).toBe(200);

    const held = await withdraw(client, customer, 300_000);
    expect(held.body.status).toBe('pending');
    const toOldPhone = (await outbox(server, e164(customer.phone!))).filter((m) => m.body.includes('出金 300,000円'));
    expect(toOldPhone).toHaveLength(1);
    expect(toOldPhone[0]!.body).toContain('保留');
  });

  it('a contact replaced before the window is no longer told', async () => {
    const { customer, client } = await moneyCustomer(server, { cash: 500_000 });
    const original = customer.email;
    expect((await client.put('/api/v1/settings/profile', { email: `later-${original}`, tradingPassword: customer.tradingPassword })).status).toBe(200);
    await confirmNewEmail(server, client, `later-${original}`);
    server.clock.advance(25 * 3600_000);
    const signIn = await client.post('/api/v1/login', { loginId: customer.loginId, password: customer.password });
    expect(signIn.status).toBe(200);
    expect((await client.put('/api/v1/settings/profile', { bankAccount: { ...BANK, accountNumber: '6543212' }, tradingPassword: customer.tradingPassword })).status).toBe(200);
    expect((await withdraw(client, customer, 100_000)).body.status).toBe('pending');
    expect((await outbox(server, original)).filter((m) => m.subject?.includes('出金指示を受け付けました'))).toHaveLength(0);
  });
});
