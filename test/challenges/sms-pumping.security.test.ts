import { describe, expect, it } from 'vitest';
import { noEvents, type DomainEvents } from '../../src/domain/kernel/context.js';
import { useTestServer } from '../support/harness.js';
import { outbox, signedIn, signInWithPassword } from '../support/flows.js';

describe('attack: SMS pumping (toll fraud) and SMS bombing', () => {
  let alerts: string[];
  const server = useTestServer(() => {
    alerts = [];
    const events: DomainEvents = { ...noEvents, sendAlert: (kind) => alerts.push(kind) };
    return { overrides: { events } };
  });

  const warnings = () => server.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 40 && l.alert === 'sms_cap');

  it('caps codes to many numbers of one prefix from one account at 10 an hour, and alerts the operator', async () => {
    const { customer, client } = await signedIn(server, { phone: undefined });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const number = `090-5000-${String(1000 + i)}`;
      const step = await client.put('/api/v1/settings/phone', { phone: number, tradingPassword: customer.tradingPassword });
      expect(step.status).toBe(403);
      statuses.push((await client.post(`/api/v1/challenges/${step.body.challenge.id}/sms`)).status);
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
    expect(alerts).toContain('customer_hourly_cap');
    expect(warnings().length).toBeGreaterThan(0);
    expect(await outbox(server, '+819050001011')).toEqual([]);
    server.clock.advance(3600_000 + 1000);
    await signInWithPassword(client, customer); // the session idled out meanwhile
    const later = await client.put('/api/v1/settings/phone', { phone: '090-5000-2000', tradingPassword: customer.tradingPassword });
    expect((await client.post(`/api/v1/challenges/${later.body.challenge.id}/sms`)).status).toBe(200);
  });

  it('caps codes to one number from many accounts at 10 an hour', async () => {
    const target = '090-6000-7000';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const { customer, client } = await signedIn(server, { phone: undefined });
      const step = await client.put('/api/v1/settings/phone', { phone: target, tradingPassword: customer.tradingPassword });
      statuses.push((await client.post(`/api/v1/challenges/${step.body.challenge.id}/sms`)).status);
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    expect(alerts).toContain('phone_hourly_cap');
    expect(await outbox(server, '+819060007000')).toHaveLength(10);
  });

  it('never sends to foreign numbers (international premium-rate ranges)', async () => {
    const { customer, client } = await signedIn(server, { phone: undefined });
    for (const foreign of ['+882 1234 5678', '+44 7700 900123', '+1 268 555 0100', '+7 999 123 4567']) {
      const response = await client.put('/api/v1/settings/phone', { phone: foreign, tradingPassword: customer.tradingPassword });
      expect(response.status, foreign).toBe(400);
      expect(['phone_not_domestic', 'phone_invalid']).toContain(response.body.error);
    }
    const sms = (await server.client().get('/api/dev/outbox')).body.filter((m: { channel: string }) => m.channel === 'sms');
    expect(sms).toEqual([]);
  });

});

describe('attack: SMS pumping past the hourly alert threshold', () => {
  let alerts: string[];
  const server = useTestServer(() => {
    alerts = [];
    const events: DomainEvents = { ...noEvents, sendAlert: (kind) => alerts.push(kind) };
    return { overrides: { events, policy: { sendAlertPerHour: 3 } } };
  });

  const send = async (i: number) => {
    const { customer, client } = await signedIn(server, { phone: undefined });
    const step = await client.put('/api/v1/settings/phone', { phone: `090-7100-${1000 + i}`, tradingPassword: customer.tradingPassword });
    expect((await client.post(`/api/v1/challenges/${step.body.challenge.id}/sms`)).status).toBe(200);
  };
  const volumeLines = () => server.logs.filter((l) => l.includes('"alert":"sms_volume"')).length;

  it('alerts the operator when the hourly total passes the threshold, once in ten minutes while it stays above', async () => {
    for (let i = 0; i < 3; i++) await send(i);
    expect(alerts).toEqual(['hourly_total']);
    expect(volumeLines()).toBe(1);
    // Pumping goes on: no alert (metric, warn line) per send, one every ten minutes at most.
    for (let i = 3; i < 6; i++) await send(i);
    expect(alerts).toEqual(['hourly_total']);
    expect(volumeLines()).toBe(1);
    server.clock.advance(10 * 60_000 + 1);
    await send(6);
    expect(alerts).toEqual(['hourly_total', 'hourly_total']);
    expect(volumeLines()).toBe(2);
  });
});
