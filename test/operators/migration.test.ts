import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createKabuto } from '../../src/kabuto.js';
import { migrationBucket, passkeyDueAt, phishingResistanceRequired, policyFor } from '../../src/domain/factors/phishing-resistance.js';
import { createPolicy } from '../../src/domain/kernel/policy.js';
import { TEST_SECRET, freshDatabase, useTestServer } from '../support/harness.js';
import { createCustomer } from '../support/flows.js';
import { serviceClient } from './support.js';

const server = useTestServer();

describe('the passkey migration dashboard', () => {
  it('its figures are the database\'s: customers by strongest factor, counted independently here', async () => {
    const customers = await Promise.all([0, 1, 2, 3].map(() => createCustomer(server)));
    const db = server.kabuto.database.db;
    const ids = (await sql<{ id: string }>`select id from customers order by id`.execute(db)).rows.map((r) => r.id);
    // One passkey, one app, one verified phone, one with nothing.
    await sql`insert into passkeys (id, customer_id, name, public_key, counter, transports, device_type, backed_up, created_at) values ('pk1', ${ids[0]}, 'k', 'x', 0, '[]', 'singleDevice', 0, 0)`.execute(db);
    await sql`insert into totp_factors (customer_id, secret_enc, updated_at) values (${ids[1]}, 'enc', 0)`.execute(db);
    await sql`update customers set phone_verified = 1 where id = ${ids[2]}`.execute(db);
    await sql`update customers set phone_verified = 1 where id = ${ids[0]}`.execute(db);
    const viewer = await serviceClient(server, ['viewer']);
    const dashboard = (await viewer.get('/api/admin/v1/migration')).body;
    // Counted here without the store's query: every customer once, by the strongest of what it holds.
    const passkeyIds = new Set((await sql<{ c: string }>`select customer_id as c from passkeys`.execute(db)).rows.map((r) => r.c));
    const appIds = new Set((await sql<{ c: string }>`select customer_id as c from totp_factors where secret_enc is not null`.execute(db)).rows.map((r) => r.c));
    const smsIds = new Set((await sql<{ c: string }>`select id as c from customers where phone_verified = 1`.execute(db)).rows.map((r) => r.c));
    const expected = { passkey: 0, app: 0, sms: 0, none: 0 };
    for (const id of ids) expected[passkeyIds.has(id) ? 'passkey' : appIds.has(id) ? 'app' : smsIds.has(id) ? 'sms' : 'none']++;
    expect(dashboard.now).toEqual({ ...expected, total: customers.length });
    expect(expected).toEqual({ passkey: 1, app: 1, sms: 1, none: 1 });
    // Today's snapshot was kept: the history ends with the same figures.
    expect(dashboard.history.at(-1)).toMatchObject(expected);
  });

  it('a cohort tells its customers ahead, is published as CSV, and from its date sign-in and withdrawals take a passkey', async () => {
    const customer = await createCustomer(server);
    const row = await server.kabuto.deps.store.customers.findByLoginId(customer.loginId);
    const bucket = migrationBucket(row!.id);
    const security = await serviceClient(server, ['security']);
    const dueAt = new Date(server.clock.now() + 30 * 86_400_000).toISOString();
    expect((await security.post('/api/admin/v1/migration/cohorts', { name: 'wave 1', bucketFrom: bucket, bucketTo: bucket, dueAt: new Date(server.clock.now() + 86_400_000).toISOString() })).status).toBe(400);
    const created = await security.post('/api/admin/v1/migration/cohorts', { name: 'wave 1', bucketFrom: bucket, bucketTo: bucket, dueAt });
    expect(created.status).toBe(201);
    expect(created.body.customersTold).toBeGreaterThanOrEqual(1);
    const notices = await server.kabuto.deps.store.operators.listNoticesTo(customer.email, 10);
    expect(notices.map((n) => n.kind)).toContain('passkey_deadline');
    const csv = await fetch(`${server.url}/api/admin/v1/migration/schedule.csv`, { headers: { authorization: (security as any).options.authorization } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('cohort,name,bucket_from,bucket_to,passkey_required_from,operations,customers');
    expect(lines[1]).toContain(`wave 1,${bucket},${bucket},${dueAt}`);
    // Before the date the configured policy (nothing) applies; from it, sign-in and withdrawals are policed.
    const deps = server.kabuto.deps;
    expect((await policyFor(deps, row!.id)).phishingResistant.size).toBe(0);
    server.clock.advance(31 * 86_400_000);
    const policy = await policyFor(deps, row!.id);
    expect([...policy.phishingResistant].sort()).toEqual(['login', 'withdrawal']);
    expect(phishingResistanceRequired(policy, 'withdrawal', { amount: 1 }, 0)).toBe('withdrawal');
    expect(phishingResistanceRequired(policy, 'login', {}, 1)).toBe('login');
  });

  it('buckets are stable and a customer takes the earliest date of the cohorts covering them', () => {
    expect(migrationBucket('abc')).toBe(migrationBucket('abc'));
    const bucket = migrationBucket('abc');
    expect(passkeyDueAt([{ bucketFrom: 0, bucketTo: 99, dueAt: 5 }, { bucketFrom: bucket, bucketTo: bucket, dueAt: 3 }], 'abc')).toBe(3);
    expect(passkeyDueAt([{ bucketFrom: (bucket + 1) % 100, bucketTo: (bucket + 1) % 100, dueAt: 3 }], 'abc')).toBeUndefined();
    expect(phishingResistanceRequired(createPolicy(), 'withdrawal', { amount: 1 }, 0)).toBeUndefined();
  });
});

describe('compliant by default', () => {
  it('a production start with no policy configured runs the guideline\'s: passkeys for withdrawals and bank-account changes, said in the start-up log', async () => {
    const database = await freshDatabase();
    const env = {
      NODE_ENV: 'production',
      KABUTO_DATABASE_URL: database.url,
      KABUTO_SECRET: TEST_SECRET,
      KABUTO_PUBLIC_ORIGIN: 'https://kabuto.example.jp',
      KABUTO_SMTP_URL: 'smtps://u:p@mail.example.jp:465',
      KABUTO_SMS_ACCOUNT_SID: 'AC1',
      KABUTO_SMS_AUTH_TOKEN: 't',
      KABUTO_SMS_FROM: '+815012345678',
    };
    const start = async (extra: Record<string, string>) => {
      const lines: string[] = [];
      const logStream = new Writable({ write: (chunk, _e, done) => (lines.push(chunk.toString()), done()) });
      const kabuto = await createKabuto(loadConfig({ ...env, ...extra }), { schema: database.schema, logStream });
      await kabuto.close();
      return { policy: kabuto.deps.policy, log: lines.join('') };
    };
    const guideline = await start({});
    expect([...guideline.policy.phishingResistant].sort()).toEqual(['bank_account', 'withdrawal']);
    expect(guideline.log).toContain("the guideline's policy");
    expect(phishingResistanceRequired(guideline.policy, 'withdrawal', { amount: 1 }, 0)).toBe('withdrawal');
    // A firm that wants less says so, and the log says where it departs.
    const less = await start({ KABUTO_PHISHING_RESISTANT: 'none' });
    expect(less.policy.phishingResistant.size).toBe(0);
    expect(less.log).toMatch(/departs from the guideline: withdrawal is not approved with a passkey/);
    await database.drop();
  });
});
