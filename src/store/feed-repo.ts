import { type Kysely, type Selectable } from 'kysely';
import type { Delivery, DeliveryStatus, FeedStore, WebhookEndpoint } from '../domain/feed/feed-store.js';
import type { AuditEntry } from '../domain/kernel/types.js';
import type { Database } from './schema.js';

// The event feed's tables (migration 0025): endpoints with their cursor and lease, deliveries with their
// attempts. The events are read from audit_log.

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  types: string;
  status: string;
  secretSealed: string;
  previousSealed: string | null;
  previousUntil: number | null;
  queuedSeq: number;
  leaseToken: string | null;
  leaseUntil: number | null;
  createdAt: number;
}

export interface WebhookDeliveriesTable {
  endpointId: string;
  seq: number;
  eventId: string;
  type: string;
  payload: string;
  status: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

type FeedTables = { webhookEndpoints: WebhookEndpointsTable; webhookDeliveries: WebhookDeliveriesTable };

const num = (v: number | string | null) => (v === null ? null : Number(v));

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    types: JSON.parse(row.types) as string[],
    status: row.status as WebhookEndpoint['status'],
    secretSealed: row.secretSealed,
    previousSealed: row.previousSealed,
    previousUntil: num(row.previousUntil),
    cursor: Number(row.queuedSeq),
    createdAt: Number(row.createdAt),
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): Delivery {
  return {
    endpointId: row.endpointId,
    seq: Number(row.seq),
    eventId: row.eventId,
    type: row.type,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.nextAttemptAt),
    lastError: row.lastError,
    deliveredAt: num(row.deliveredAt),
  };
}

export function createFeedRepo(base: Kysely<Database>): FeedStore {
  const db = base.withTables<FeedTables>();
  return {
    async entriesAfter(afterSeq, actions, limit) {
      const rows = await db.selectFrom('auditLog').selectAll().where('seq', '>', afterSeq).where('action', 'in', [...actions]).orderBy('seq', 'asc').limit(limit).execute();
      return rows.map((row): AuditEntry => ({ ...row, seq: Number(row.seq), at: Number(row.at), detail: JSON.parse(row.detail) as Record<string, unknown> }));
    },
    async headSeq() {
      const row = await db.selectFrom('auditHead').select('seq').where('id', '=', 1).executeTakeFirst();
      return Number(row?.seq ?? 0);
    },
    async insertEndpoint(e) {
      await db
        .insertInto('webhookEndpoints')
        .values({
          id: e.id,
          url: e.url,
          types: JSON.stringify(e.types),
          status: e.status,
          secretSealed: e.secretSealed,
          previousSealed: e.previousSealed,
          previousUntil: e.previousUntil,
          queuedSeq: e.cursor,
          leaseToken: null,
          leaseUntil: null,
          createdAt: e.createdAt,
        })
        .execute();
    },
    async listEndpoints() {
      return (await db.selectFrom('webhookEndpoints').selectAll().orderBy('createdAt').orderBy('id').execute()).map(toEndpoint);
    },
    async findEndpoint(id) {
      const row = await db.selectFrom('webhookEndpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toEndpoint(row);
    },
    async updateEndpoint(id, patch) {
      const result = await db.updateTable('webhookEndpoints').set(patch).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deleteEndpoint(id) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('webhookDeliveries').where('endpointId', '=', id).execute();
        const result = await trx.deleteFrom('webhookEndpoints').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
    async lease(id, token, now, leaseUntil) {
      const result = await db
        .updateTable('webhookEndpoints')
        .set({ leaseToken: token, leaseUntil })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async unlease(id, token) {
      await db.updateTable('webhookEndpoints').set({ leaseToken: null, leaseUntil: null }).where('id', '=', id).where('leaseToken', '=', token).execute();
    },
    async enqueue(id, fromSeq, toSeq, deliveries, now) {
      return db.transaction().execute(async (trx) => {
        const moved = await trx.updateTable('webhookEndpoints').set({ queuedSeq: toSeq }).where('id', '=', id).where('queuedSeq', '=', fromSeq).executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) return false;
        // In slices: a long backlog must not make one statement of thousands of parameters.
        for (let i = 0; i < deliveries.length; i += 100) {
          const rows = deliveries.slice(i, i + 100).map((d) => ({ ...d, endpointId: id, status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, deliveredAt: null }));
          await trx.insertInto('webhookDeliveries').values(rows).onConflict((oc) => oc.columns(['endpointId', 'seq']).doNothing()).execute();
        }
        return true;
      });
    },
    async due(id, now, limit) {
      const rows = await db
        .selectFrom('webhookDeliveries')
        .selectAll()
        .where('endpointId', '=', id)
        .where('status', '=', 'pending')
        .where('nextAttemptAt', '<=', now)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },
    async countAttempt(id, seq) {
      await db.updateTable('webhookDeliveries').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('endpointId', '=', id).where('seq', '=', seq).execute();
    },
    async markDelivered(id, seq, now) {
      await db.updateTable('webhookDeliveries').set({ status: 'delivered', deliveredAt: now, lastError: null }).where('endpointId', '=', id).where('seq', '=', seq).execute();
    },
    async markFailed(id, seq, failure) {
      await db
        .updateTable('webhookDeliveries')
        .set({ status: failure.dead ? 'dead' : 'pending', nextAttemptAt: failure.nextAttemptAt, lastError: failure.error })
        .where('endpointId', '=', id)
        .where('seq', '=', seq)
        .execute();
    },
    async revive(id, now) {
      const result = await db
        .updateTable('webhookDeliveries')
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now })
        .where('endpointId', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async counts() {
      const rows = await db.selectFrom('webhookDeliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
      for (const row of rows) counts[row.status as DeliveryStatus] = Number(row.n);
      return counts;
    },
    async deliveries(id, status, limit) {
      let query = db.selectFrom('webhookDeliveries').selectAll().where('endpointId', '=', id).orderBy('seq', 'desc').limit(limit);
      if (status) query = query.where('status', '=', status);
      return (await query.execute()).map(toDelivery);
    },
  };
}

