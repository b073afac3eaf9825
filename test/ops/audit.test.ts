import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/store/audit-verify.js';
import { createCustomer, signedIn } from '../support/flows.js';
import { kabutoCli, useSharedServer } from './ops-support.js';

const { server, cliEnv } = useSharedServer();

const db = () => server.kabuto.database.db;

describe('the audit trail', () => {
  it('is read per customer through the admin API, each entry chained by hash', async () => {
    const { customer, client } = await signedIn(server);
    await client.put('/api/v1/settings/password', { currentPassword: customer.password, newPassword: 'a brand new passphrase 42' });
    const trail = await server.admin().get(`/api/admin/v1/customers/${customer.loginId}/audit`);
    expect(trail.status).toBe(200);
    expect(trail.body.length).toBeGreaterThanOrEqual(2);
    expect(trail.body[0]).toMatchObject({ seq: expect.any(Number), action: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('`kabuto audit verify` passes an intact chain', async () => {
    await createCustomer(server);
    expect(await verifyAuditChain(db())).toMatchObject({ intact: true });
    const { stdout } = await kabutoCli(await cliEnv(), 'audit', 'verify');
    expect(stdout).toMatch(/audit chain intact: \d+ entries/);
  });

  it('`kabuto audit verify` fails on an edited row and names it', async () => {
    for (let i = 0; i < 3; i++) await createCustomer(server);
    const total = Number((await db().selectFrom('auditHead').select('seq').executeTakeFirstOrThrow()).seq);
    expect(total).toBeGreaterThanOrEqual(3);
    // An insider rewrites what an entry says happened.
    await sql`update audit_log set detail = ${'{"forged":true}'} where seq = 2`.execute(db());
    expect(await verifyAuditChain(db(), 1)).toMatchObject({ intact: false, seq: 2, reason: 'content does not match its hash' });
    await expect(kabutoCli(await cliEnv(), 'audit', 'verify')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/audit chain BROKEN at entry 2 \(.+\): content does not match its hash/),
    });
  });

  it('catches a deleted row, and rows deleted from the end', async () => {
    for (let i = 0; i < 5; i++) await createCustomer(server);
    const head = await db().selectFrom('auditHead').select(['seq', 'hash']).executeTakeFirstOrThrow();
    const last = Number(head.seq);
    await sql`delete from audit_log where seq = ${last}`.execute(db());
    expect(await verifyAuditChain(db())).toMatchObject({ intact: false, seq: last, reason: `missing: the head records ${last} entries, the log ends at ${last - 1}` });
    await sql`delete from audit_log where seq = 2`.execute(db());
    expect(await verifyAuditChain(db())).toMatchObject({ intact: false, seq: 3, reason: 'expected entry 2, found 3' });
    // Deleting the chain's middle then "repairing" the start still leaves the cut end visible.
    await sql`delete from audit_log`.execute(db());
    expect(await verifyAuditChain(db())).toMatchObject({ intact: false, reason: `missing: the head records ${last} entries, the log ends at 0` });
  });
});
