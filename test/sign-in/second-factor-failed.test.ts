import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';
import { latestCode, passChallengeBySms, signInWithPassword, signedInWithSms } from '../support/flows.js';

// A wrong second factor at sign-in is written to ログイン履歴 as `second_factor_failed`, from the
// address that passed the password, and counts among the failures マイページ shows.

describe('second_factor_failed in the login history', () => {
  const server = useTestServer({}, { per: 'suite' });

  const wrongCodeFor = (code: string) => (code === '000000' ? '111111' : '000000');

  it('records every wrong code of a login challenge, the last one included, and the summary counts them', async () => {
    const { customer } = await signedInWithSms(server, undefined, 'login');

    // A sign-in whose code is guessed wrong until the challenge dies.
    server.clock.advance(60_000);
    const thief = server.client({ userAgent: 'ThiefBrowser/1.0' });
    const started = await signInWithPassword(thief, customer);
    expect(started.body.status).toBe('second_factor_required');
    const challengeId = started.body.challenge.id as string;
    expect((await thief.post(`/api/v1/challenges/${challengeId}/sms`)).status).toBe(200);
    const wrong = wrongCodeFor(await latestCode(server, customer.phone!));
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      server.clock.advance(1_000);
      const answer = await thief.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code: wrong });
      answers.push(answer.status);
      if (answer.body.error === 'too_many_attempts') break;
    }
    expect(answers.at(-1)).toBe(429);

    // The owner signs in properly afterwards and looks.
    server.clock.advance(60_000);
    const owner = server.client();
    const again = await signInWithPassword(owner, customer);
    expect(again.body.status).toBe('second_factor_required');
    server.clock.advance(1_000);
    expect((await passChallengeBySms(server, owner, again.body.challenge.id, customer.phone!)).status).toBe(200);

    const history = await owner.get('/api/v1/history/logins');
    expect(history.status).toBe(200);
    const failed = history.body.filter((e: { result: string }) => e.result === 'second_factor_failed');
    expect(failed).toHaveLength(answers.length);
    expect(failed.every((e: { userAgent: string }) => e.userAgent === 'ThiefBrowser/1.0')).toBe(true);

    const summary = await owner.get('/api/v1/history/logins/summary');
    expect(summary.status).toBe(200);
    expect(summary.body.failedSince).toBe(answers.length);
  });

  it('writes no login event for a wrong code of a step-up challenge (no sign-in was attempted)', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'all');
    const before = (await client.get('/api/v1/history/logins')).body.length as number;
    const asked = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'login', tradingPassword: customer.tradingPassword });
    expect(asked.body.error).toBe('step_up_required');
    const challengeId = asked.body.challenge.id as string;
    expect((await client.post(`/api/v1/challenges/${challengeId}/sms`)).status).toBe(200);
    const wrong = wrongCodeFor(await latestCode(server, customer.phone!));
    const answer = await client.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code: wrong });
    expect(answer.body.error).toBe('invalid_code');
    expect((await client.get('/api/v1/history/logins')).body).toHaveLength(before);
  });
});
