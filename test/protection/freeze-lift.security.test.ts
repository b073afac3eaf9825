import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { signedIn, signInWithPassword } from '../support/flows.js';
import { BANK, newAuthenticator, registerPasskey } from '../factors/support/factor-flows.js';
import { expectFrozen, withdrawal } from './support.js';

// "Unfreeze by passkey" must not be a thief's door: a passkey planted with a stolen session before the
// customer froze the account (the customer froze *because* the passkey-added notice came) never lifts
// the freeze, not even once it is past its own cooling-off. Only a passkey already past its
// cooling-off when the freeze began lifts it; without one, the call centre does, after an identity check.

const rich = { cash: 1_000_000, bankAccount: BANK };
const DAY = 24 * 3600_000;

function expectNoLiftingPasskey(response: { status: number; body: any }) {
  expect(response.status, JSON.stringify(response.body)).toBe(409);
  expect(response.body).toMatchObject({ error: 'method_unavailable', method: 'passkey', reason: 'no_passkey_before_freeze' });
}

describe('lifting a freeze with a passkey planted before it', () => {
  const server = useTestServer();

  it('the planted passkey (the only one) never lifts it, in the portal or on the sign-in page; the call centre does', async () => {
    const { customer, client: thief } = await signedIn(server, rich);
    const planted = newAuthenticator(server);
    await registerPasskey(server, thief, customer, planted);
    // An hour later the customer reads the notice and freezes withdrawals and sign-in.
    server.clock.advance(3600_000);
    const owner = server.client();
    await signInWithPassword(owner, customer);
    expect((await owner.post('/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
    expect((await owner.get('/api/v1/protection')).body.liftWithPasskey).toBe(false);
    expectNoLiftingPasskey(await owner.post('/api/v1/protection/unfreeze/options', { levels: ['withdrawals'] }));
    expect((await owner.post('/api/v1/protection/freeze', { levels: ['sign_in'] })).status).toBe(200);

    // Two days on the planted passkey is past its own cooling-off: still nothing.
    server.clock.advance(2 * DAY);
    const page = server.client();
    const options = await page.post('/api/v1/protection/unfreeze-sign-in/options');
    expectNoLiftingPasskey(await page.post('/api/v1/protection/unfreeze-sign-in', { response: planted.assert(options.body) }));
    expectFrozen(await signInWithPassword(server.client(), customer), 'sign_in');

    // The call centre may lift it: the customer has no passkey that could.
    const admin = server.admin();
    const lifted = await admin.post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['sign_in', 'withdrawals'], reason: '本人から電話', identityCheck: 'ビデオ通話で本人確認' });
    expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
    const back = server.client();
    expect((await signInWithPassword(back, customer)).status).toBe(200);
    expect((await withdrawal(back, customer)).body.status).toBe('pending');
  });

  it('next to the customer’s own mature passkey, the planted one is refused at the lift itself; the own one lifts', async () => {
    const { customer, client: first } = await signedIn(server, rich);
    const own = newAuthenticator(server);
    await registerPasskey(server, first, customer, own);
    server.clock.advance(2 * DAY);
    const thief = server.client();
    await signInWithPassword(thief, customer);
    const planted = newAuthenticator(server);
    await registerPasskey(server, thief, customer, planted, 'thief');
    server.clock.advance(3600_000);
    const owner = server.client();
    await signInWithPassword(owner, customer);
    expect((await owner.post('/api/v1/protection/freeze', { levels: ['withdrawals'] })).status).toBe(200);
    expect((await owner.get('/api/v1/protection')).body.liftWithPasskey).toBe(true);

    // The thief's session asks for options (the customer has a passkey that may lift) and answers with the planted one.
    server.clock.advance(2 * DAY);
    const thiefAgain = server.client();
    await signInWithPassword(thiefAgain, customer);
    const options = await thiefAgain.post('/api/v1/protection/unfreeze/options', { levels: ['withdrawals'] });
    expect(options.status).toBe(200);
    expect(options.body.allowCredentials.map((c: { id: string }) => c.id)).toEqual([own.assert(options.body).id]);
    expectNoLiftingPasskey(await thiefAgain.post('/api/v1/protection/unfreeze', { levels: ['withdrawals'], response: planted.assert(options.body) }));
    expectFrozen(await withdrawal(thiefAgain, customer), 'withdrawals');
    // An operator may not lift it: the customer's own passkey can.
    expect((await server.admin().post(`/api/admin/v1/customers/${customer.loginId}/unfreeze`, { levels: ['withdrawals'], reason: 'r', identityCheck: 'c' })).body.error).toBe('unfreeze_by_passkey');

    const again = await thiefAgain.post('/api/v1/protection/unfreeze/options', { levels: ['withdrawals'] });
    const lifted = await thiefAgain.post('/api/v1/protection/unfreeze', { levels: ['withdrawals'], response: own.assert(again.body) });
    expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
    expect(lifted.body.withdrawals.frozen).toBe(false);
  });
});
