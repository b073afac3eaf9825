import { describe, expect, it } from 'vitest';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import { type TestServer, useTestServers } from '../support/harness.js';

const servers = useTestServers();

const parsed = (s: TestServer) => s.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('logs', () => {
  it('are JSON lines, and every line written while serving a request carries its ID, as does the answer', async () => {
    // Every SMS fails: the domain logs an error from deep inside the request.
    const server = await servers.start({ overrides: { sms: { sendSms: async () => Promise.reject(new Error('provider down')) } } });
    const customer = await createCustomer(server);
    const client = server.client();
    expect((await signInWithPassword(client, customer)).status).toBe(200);
    const step = await client.put('/api/v1/settings/mfa', { method: 'sms', scope: 'all', tradingPassword: customer.tradingPassword });
    expect(step.status).toBe(403);
    const send = await client.post(`/api/v1/challenges/${step.body.challenge.id}/sms`);
    expect(send.status).toBeGreaterThanOrEqual(400);
    const requestId = send.body.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(send.headers.get('x-request-id')).toBe(requestId);

    const lines = parsed(server).filter((l) => l.reqId === requestId);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'code could not be sent', 'request completed']));
    // No line written during a request lacks the ID (lines outside any request, like "listening" and the
    // start-up's policy line, may).
    const startUp = ['Server listening at http://127.0.0.1:' + new URL(server!.url).port, 'security policy in force'];
    const duringRequests = parsed(server).filter((l) => !startUp.includes(String(l.msg)));
    for (const line of duringRequests) expect(line.reqId, JSON.stringify(line)).toEqual(expect.any(String));
  });

  it('carry the ID on the sign-in\'s own lines too: the lock after the fifth wrong password', async () => {
    const server = await servers.start();
    const customer = await createCustomer(server);
    const client = server.client();
    let last: Awaited<ReturnType<typeof client.post>> | undefined;
    for (let attempt = 0; attempt < 5; attempt++) last = await client.post('/api/v1/login', { loginId: customer.loginId, password: 'not the password 1' });
    const requestId = last!.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const lock = parsed(server).find((l) => l.msg === 'sign-in locked after repeated wrong passwords');
    expect(lock?.reqId).toBe(requestId);
  });

  it('mask secrets in any logged object', async () => {
    const server = await servers.start();
    server.app.log.info({ body: { password: 'hunter2-login', tradingPassword: 'hunter2-trading', newPassword: 'hunter2-new' }, headers: { token: 'hunter2-token' } }, 'probe');
    const probe = parsed(server).find((l) => l.msg === 'probe')!;
    expect(probe.body).toEqual({ password: '[redacted]', tradingPassword: '[redacted]', newPassword: '[redacted]' });
    expect(server.logs.join('')).not.toContain('hunter2');
  });

  it('take the reverse proxy’s X-Request-Id only when the proxy is trusted, and only a well-formed one', async () => {
    const forged = 'proxy-req-0123456789';
    const untrusting = await servers.start();
    expect((await untrusting.client().get('/healthz', { 'x-request-id': forged })).headers.get('x-request-id')).not.toBe(forged);
    const server = await servers.start({ env: { KABUTO_TRUST_PROXY: '1' } });
    expect((await server.client().get('/healthz', { 'x-request-id': forged })).headers.get('x-request-id')).toBe(forged);
    expect((await server.client().get('/healthz', { 'x-request-id': 'bad id\twith "quotes"' })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(parsed(server).some((l) => l.reqId === forged)).toBe(true);
  });
});
