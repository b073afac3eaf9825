import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, latestCode, signInWithPassword, signedInWithSms } from '../support/flows.js';
import { startTestServer, type TestServer } from '../support/harness.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text exposition format, strictly: a line that does not parse fails the test. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|[Nn]a[Nn]|\+Inf|-Inf)(?: \d+)?$/);
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function scrape() {
  const response = await server.client().get('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const parsed = parsePrometheus(response.text);
  const value = (name: string, labels: Record<string, string> = {}) =>
    parsed.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
  return { ...parsed, value };
}

describe('/metrics', () => {
  it('counts sign-ins by result, codes by channel and purpose, verifications by result, step-ups and locks', async () => {
    const { customer, client } = await signedInWithSms(server, undefined, 'login');
    await client.post('/api/v1/logout');
    expect((await client.post('/api/v1/login', { loginId: customer.loginId, password: 'wrong password entirely' })).status).toBe(401);
    const second = await signInWithPassword(client, customer);
    expect(second.body.status).toBe('second_factor_required');
    const challengeId = second.body.challenge.id;
    expect((await client.post(`/api/v1/challenges/${challengeId}/sms`)).status).toBe(200);
    expect((await client.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code: '000000' })).status).toBe(400);
    const code = await latestCode(server, customer.phone!);
    expect((await client.post(`/api/v1/challenges/${challengeId}/verify`, { method: 'sms', code })).status).toBe(200);

    const metrics = await scrape();
    expect(metrics.types.get('kabuto_sign_ins_total')).toBe('counter');
    // Signed in twice: by password alone (SMS still off), then by password and code.
    expect(metrics.value('kabuto_sign_ins_total', { result: 'signed_in' })).toBe(2);
    expect(metrics.value('kabuto_sign_ins_total', { result: 'second_factor_required' })).toBe(1);
    expect(metrics.value('kabuto_sign_ins_total', { result: 'invalid_credentials' })).toBe(1);
    expect(metrics.value('kabuto_codes_sent_total', { channel: 'sms', purpose: 'login' })).toBe(1);
    expect(metrics.value('kabuto_codes_sent_total', { channel: 'sms', purpose: 'mfa_settings' })).toBe(1);
    expect(metrics.value('kabuto_verifications_total', { result: 'verified' })).toBe(2);
    expect(metrics.value('kabuto_verifications_total', { result: 'invalid_code' })).toBe(1);
    expect(metrics.value('kabuto_step_ups_total', { purpose: 'mfa_settings', outcome: 'required' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('kabuto_step_ups_total', { purpose: 'mfa_settings', outcome: 'passed' })).toBe(1);
  });

  it('counts a login lock, and exposes the hashing queue and the latency of each route by its pattern', async () => {
    const customer = await createCustomer(server);
    for (let i = 0; i < 5; i++) await server.client().post('/api/v1/login', { loginId: customer.loginId, password: `wrong guess number ${i}` });
    await server.client().get('/api/v1/no/such/route/12345');
    const metrics = await scrape();
    expect(metrics.value('kabuto_locks_total', { kind: 'login' })).toBe(1);
    expect(metrics.types.get('kabuto_hashing_queue_depth')).toBe('gauge');
    expect(metrics.samples.find((s) => s.name === 'kabuto_hashing_queue_depth')?.value).toBe(0);
    expect(metrics.types.get('kabuto_http_request_duration_seconds')).toBe('histogram');
    expect(metrics.value('kabuto_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/login', status_code: '401' })).toBeGreaterThanOrEqual(5);
    expect(metrics.value('kabuto_http_request_duration_seconds_count', { route: '/api/v1/challenges/:id/verify' })).toBeGreaterThanOrEqual(1);
    // Unknown URLs share one label: no series per scanned path.
    expect(metrics.samples.some((s) => s.labels.route?.includes('12345'))).toBe(false);
    expect(metrics.value('kabuto_http_request_duration_seconds_count', { route: 'unmatched' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('counts withdrawals by status through the domain event', async () => {
    server.kabuto.deps.events.withdrawal('completed');
    server.kabuto.deps.events.withdrawal('pending');
    const metrics = await scrape();
    expect(metrics.value('kabuto_withdrawals_total', { status: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('kabuto_withdrawals_total', { status: 'pending' })).toBeGreaterThanOrEqual(1);
  });

  it('keeps each instance’s counts apart (one registry per Kabuto)', async () => {
    const other = await startTestServer();
    try {
      const text = (await other.client().get('/metrics')).text;
      expect(parsePrometheus(text).samples.filter((s) => s.name === 'kabuto_sign_ins_total')).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('docs/grafana.json', () => {
  it('charts only metrics that /metrics serves, and every Kabuto metric is charted', async () => {
    const dashboard = JSON.parse(readFileSync('docs/grafana.json', 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    const served = new Set((await scrape()).types.keys());
    const used = new Set(exprs.flatMap((e) => e.match(/\b(kabuto|process|nodejs)_[a-z0-9_]+/g) ?? []).map((m) => m.replace(/_(bucket|count|sum)$/, '')));
    for (const name of used) expect(served, name).toContain(name);
    for (const name of served) if (name.startsWith('kabuto_')) expect(used, name).toContain(name);
  });
});
