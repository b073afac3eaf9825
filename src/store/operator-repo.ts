import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  ApprovalRecord,
  CohortRecord,
  OperatorPasskeyRecord,
  OperatorRecord,
  OperatorStore,
  ServiceTokenRecord,
} from '../domain/kernel/operator-store.js';
import type { OperatorRole } from '../domain/kernel/types.js';
import type { ApprovalRequestsTable, OperatorTables, OperatorsTable, ServiceTokensTable } from './operator-schema.js';
import type { Database } from './schema.js';

// The back office's tables (migration 0030_operators). Times are epoch ms (bigint: strings on PostgreSQL).

const n = (value: number | string | bigint) => Number(value);
const nOrNull = (value: number | string | bigint | null) => (value === null ? null : Number(value));
const roles = (text: string) => text.split(',').filter(Boolean) as OperatorRole[];
const changed = (result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) => Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n) === 1;

function toOperator(row: Selectable<OperatorsTable>): OperatorRecord {
  return { ...row, roles: roles(row.roles), createdAt: n(row.createdAt), disabledAt: nOrNull(row.disabledAt) };
}

function toToken(row: Selectable<ServiceTokensTable>): ServiceTokenRecord {
  return { ...row, roles: roles(row.roles), createdAt: n(row.createdAt), expiresAt: n(row.expiresAt), revokedAt: nOrNull(row.revokedAt), lastUsedAt: nOrNull(row.lastUsedAt) };
}

function toApproval(row: Selectable<ApprovalRequestsTable>): ApprovalRecord {
  return {
    ...row,
    status: row.status as ApprovalRecord['status'],
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as Record<string, unknown>),
    requestedAt: n(row.requestedAt),
    expiresAt: n(row.expiresAt),
    decidedAt: nOrNull(row.decidedAt),
  };
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The passkey migration's cohorts, read on every sign-in, challenge and withdrawal (policyFor) and changed a
 * few times a year: kept in memory. A write through this repository forgets them at once (in this process);
 * another instance's write is seen within COHORTS_TTL_MS. A read that started before a write does not put
 * what it read back (the generation moved on).
 */
export const COHORTS_TTL_MS = 5_000;
export interface CohortCache {
  rows?: readonly CohortRecord[];
  loadedAt: number;
  generation: number;
}
export const newCohortCache = (): CohortCache => ({ loadedAt: 0, generation: 0 });
export function forgetCohorts(cache: CohortCache): void {
  cache.rows = undefined;
  cache.generation += 1;
}

export function createOperatorRepo(base: Kysely<Database>, cohorts: CohortCache = newCohortCache()): OperatorStore {
  const db = base.withTables<OperatorTables>();
  const loadCohorts = async () => {
    const rows = await db.selectFrom('passkeyCohorts').selectAll().orderBy('dueAt').orderBy('bucketFrom').execute();
    return rows.map((r): CohortRecord => ({ ...r, bucketFrom: n(r.bucketFrom), bucketTo: n(r.bucketTo), dueAt: n(r.dueAt), createdAt: n(r.createdAt) }));
  };
  return {
    async insertOperator(o) {
      const taken = await db.selectFrom('operators').select('id').where(sql`lower(email)`, '=', o.email.toLowerCase()).executeTakeFirst();
      if (taken) return false;
      await db.insertInto('operators').values({ ...o, roles: o.roles.join(',') }).execute();
      return true;
    },
    async findOperator(id) {
      const row = await db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toOperator(row);
    },
    async findOperatorByEmail(email) {
      const row = await db.selectFrom('operators').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
      return row && toOperator(row);
    },
    async listOperators() {
      return (await db.selectFrom('operators').selectAll().orderBy('createdAt').execute()).map(toOperator);
    },
    async updateOperator(id, patch) {
      const { roles: newRoles, ...rest } = patch;
      await db
        .updateTable('operators')
        .set({ ...rest, ...(newRoles ? { roles: newRoles.join(',') } : {}) })
        .where('id', '=', id)
        .execute();
    },

    async insertEnrolment(e) {
      await db.insertInto('operatorEnrolments').values({ ...e, usedAt: null }).execute();
    },
    async useEnrolment(codeHash, now) {
      const row = await db
        .updateTable('operatorEnrolments')
        .set({ usedAt: now })
        .where('codeHash', '=', codeHash)
        .where('usedAt', 'is', null)
        .where('expiresAt', '>', now)
        .returning('operatorId')
        .executeTakeFirst();
      return row?.operatorId;
    },
    async peekEnrolment(codeHash, now) {
      const row = await db.selectFrom('operatorEnrolments').select('operatorId').where('codeHash', '=', codeHash).where('usedAt', 'is', null).where('expiresAt', '>', now).executeTakeFirst();
      return row?.operatorId;
    },

    async insertPasskey(p) {
      await db.insertInto('operatorPasskeys').values({ ...p, transports: JSON.stringify(p.transports) }).execute();
    },
    async findPasskey(id) {
      const row = await db.selectFrom('operatorPasskeys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPasskey(row);
    },
    async listPasskeys(operatorId) {
      return (await db.selectFrom('operatorPasskeys').selectAll().where('operatorId', '=', operatorId).execute()).map(toPasskey);
    },
    async updatePasskeyCounter(id, expected, counter, now) {
      return changed(await db.updateTable('operatorPasskeys').set({ counter, lastUsedAt: now }).where('id', '=', id).where('counter', '=', expected).executeTakeFirst());
    },

    async insertSession(s) {
      await db.insertInto('operatorSessions').values(s).execute();
    },
    async findSession(id) {
      const row = await db.selectFrom('operatorSessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { ...row, createdAt: n(row.createdAt), lastSeenAt: n(row.lastSeenAt) };
    },
    async touchSession(id, now) {
      await db.updateTable('operatorSessions').set({ lastSeenAt: now }).where('id', '=', id).execute();
    },
    async deleteSession(id) {
      await db.deleteFrom('operatorSessions').where('id', '=', id).execute();
    },
    async deleteSessionsOf(operatorId) {
      await db.deleteFrom('operatorSessions').where('operatorId', '=', operatorId).execute();
    },

    async insertToken(t) {
      await db.insertInto('serviceTokens').values({ ...t, roles: t.roles.join(',') }).execute();
    },
    async findToken(id) {
      const row = await db.selectFrom('serviceTokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toToken(row);
    },
    async listTokens() {
      return (await db.selectFrom('serviceTokens').selectAll().orderBy('createdAt').execute()).map(toToken);
    },
    async revokeToken(id, now) {
      return changed(await db.updateTable('serviceTokens').set({ revokedAt: now }).where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst());
    },
    async touchToken(id, now) {
      await db.updateTable('serviceTokens').set({ lastUsedAt: now }).where('id', '=', id).execute();
    },

    async insertApproval(a) {
      await db.insertInto('approvalRequests').values({ ...a, payload: JSON.stringify(a.payload), outcome: a.outcome === null ? null : JSON.stringify(a.outcome) }).execute();
    },
    async findApproval(id) {
      const row = await db.selectFrom('approvalRequests').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApproval(row);
    },
    async listApprovals(filter) {
      let query = db.selectFrom('approvalRequests').selectAll();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.customerId) query = query.where('customerId', '=', filter.customerId);
      return (await query.orderBy('requestedAt', 'desc').orderBy('id').limit(filter.limit).execute()).map(toApproval);
    },
    async decideApproval(id, d) {
      const result = await db
        .updateTable('approvalRequests')
        .set({ status: d.to, decidedBy: d.by, decidedByActor: d.actor, decidedAt: d.now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('expiresAt', '>', d.now)
        .where('requestedBy', '<>', d.by)
        .executeTakeFirst();
      return changed(result);
    },
    async recordOutcome(id, outcome) {
      await db.updateTable('approvalRequests').set({ outcome: JSON.stringify(outcome) }).where('id', '=', id).execute();
    },

    async insertCohort(c) {
      forgetCohorts(cohorts);
      await db.insertInto('passkeyCohorts').values(c).execute();
      forgetCohorts(cohorts);
    },
    async listCohorts() {
      // Inside a transaction: the transaction's own view, never the cache.
      if (base.isTransaction) return loadCohorts();
      const now = performance.now();
      if (cohorts.rows && now - cohorts.loadedAt < COHORTS_TTL_MS) return [...cohorts.rows];
      const generation = cohorts.generation;
      const rows = await loadCohorts();
      if (cohorts.generation === generation) Object.assign(cohorts, { rows, loadedAt: now });
      return [...rows];
    },
    async deleteCohort(id) {
      forgetCohorts(cohorts);
      const deleted = changed(await db.deleteFrom('passkeyCohorts').where('id', '=', id).executeTakeFirst());
      forgetCohorts(cohorts);
      return deleted;
    },

    async countByStrongestFactor() {
      const rows = await sql<{ factor: string; count: number | string }>`
        select factor, count(*) as count from (
          select case
            when exists (select 1 from passkeys p where p.customer_id = c.id) then 'passkey'
            when exists (select 1 from totp_factors t where t.customer_id = c.id and t.secret_enc is not null) then 'app'
            when c.phone_verified = 1 then 'sms'
            else 'none' end as factor
          from customers c
        ) strongest group by factor`.execute(base);
      const counts = { passkey: 0, app: 0, sms: 0, none: 0 };
      for (const row of rows.rows) counts[row.factor as keyof typeof counts] = Number(row.count);
      return counts;
    },
    async saveSnapshot(s) {
      await db
        .insertInto('factorSnapshots')
        .values(s)
        .onConflict((oc) => oc.column('day').doUpdateSet({ passkey: s.passkey, app: s.app, sms: s.sms, none: s.none, takenAt: s.takenAt }))
        .execute();
    },
    async listSnapshots(limit) {
      const rows = await db.selectFrom('factorSnapshots').selectAll().orderBy('day', 'desc').limit(limit).execute();
      return rows.map((r) => ({ day: r.day, passkey: n(r.passkey), app: n(r.app), sms: n(r.sms), none: n(r.none), takenAt: n(r.takenAt) })).reverse();
    },
    async searchCustomers(query, limit) {
      const text = query.text.toLowerCase();
      const rows = await base
        .selectFrom('customers')
        .select(['id', 'loginId', 'name', 'email', 'phone'])
        .where((eb) =>
          eb.or([
            eb(sql`lower(login_id)`, 'like', sql`${`${likeEscape(text)}%`} escape '\\'`),
            eb(sql`lower(name)`, 'like', sql`${`%${likeEscape(text)}%`} escape '\\'`),
            eb(sql`lower(email)`, 'like', sql`${`%${likeEscape(text)}%`} escape '\\'`),
            ...(query.phone ? [eb('phone', '=', query.phone)] : []),
          ]),
        )
        .orderBy('loginId')
        .limit(limit)
        .execute();
      return rows;
    },
    async listCustomerIds(afterId, limit) {
      let q = base.selectFrom('customers').select('id');
      if (afterId) q = q.where('id', '>', afterId);
      return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
    },
    async listCustomerSessions(customerId) {
      const rows = await base.selectFrom('sessions').select(['id', 'createdAt', 'lastSeenAt', 'address', 'userAgent']).where('customerId', '=', customerId).orderBy('lastSeenAt', 'desc').limit(50).execute();
      return rows.map((r) => ({ ...r, id: r.id.slice(0, 8), createdAt: n(r.createdAt), lastSeenAt: n(r.lastSeenAt) }));
    },
    async listKnownDevices(customerId) {
      // One-word aliases: the CamelCasePlugin renames result columns of raw queries too.
      const rows = await sql<{ first: string | number; last: string | number }>`select first_seen_at as first, last_seen_at as last from known_devices where customer_id = ${customerId} order by last_seen_at desc limit 50`.execute(base);
      return rows.rows.map((r) => ({ firstSeenAt: n(r.first), lastSeenAt: n(r.last) }));
    },
    async listNoticesTo(recipient, limit) {
      const rows = await sql<{ kind: string; status: string; created: string | number; sent: string | number | null }>`select kind, status, created_at as created, sent_at as sent from notice_queue where recipient = ${recipient} order by created_at desc limit ${limit}`.execute(base);
      return rows.rows.map((r) => ({ kind: r.kind, status: r.status, createdAt: n(r.created), sentAt: nOrNull(r.sent) }));
    },
  };
}

function toPasskey(row: Selectable<OperatorTables['operatorPasskeys']>): OperatorPasskeyRecord {
  return { ...row, counter: n(row.counter), transports: JSON.parse(row.transports) as string[], createdAt: n(row.createdAt), lastUsedAt: nOrNull(row.lastUsedAt) };
}


