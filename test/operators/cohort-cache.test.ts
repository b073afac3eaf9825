import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialect, useTestServer } from '../support/harness.js';
import { serviceClient } from './support.js';

// policyFor reads the migration's cohorts on every sign-in, challenge and withdrawal: they are kept in
// memory (src/store/operator-repo.ts), forgotten on every write through the repository, and reread after
// COHORTS_TTL_MS at most when another instance wrote them.

describe(`the cohorts are read from memory on the hot path (${dialect})`, () => {
  const server = useTestServer();

  it('a second read makes no round trip; a cohort created or deleted through the API is seen at once', async () => {
    const security = await serviceClient(server, ['security']);
    const store = server.kabuto.deps.store.operators;
    expect(await store.listCohorts()).toEqual([]);
    const created = await security.post('/api/admin/v1/migration/cohorts', { name: 'wave 1', bucketFrom: 0, bucketTo: 99, dueAt: new Date(server.clock.now() + 30 * 86_400_000).toISOString() });
    expect(created.status).toBe(201);
    expect((await store.listCohorts()).map((c) => c.name)).toEqual(['wave 1']);

    // A row removed behind the repository's back (as another instance would): still served from memory,
    // which shows the read made no round trip.
    await sql`delete from passkey_cohorts`.execute(server.kabuto.database.db);
    expect((await store.listCohorts()).map((c) => c.name)).toEqual(['wave 1']);

    // A write through the repository (here: this instance) is seen at once.
    const again = await security.post('/api/admin/v1/migration/cohorts', { name: 'wave 2', bucketFrom: 0, bucketTo: 99, dueAt: new Date(server.clock.now() + 60 * 86_400_000).toISOString() });
    expect(again.status).toBe(201);
    expect((await store.listCohorts()).map((c) => c.name)).toEqual(['wave 2']);
    expect((await security.request('DELETE', `/api/admin/v1/migration/cohorts/${again.body.id}`)).status).toBe(200);
    expect(await store.listCohorts()).toEqual([]);
  });
});
