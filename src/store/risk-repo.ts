import type { Kysely, Selectable } from 'kysely';
import type { FiredRule, HoldStatus, RiskDecisionRecord, RiskHoldRecord, RiskOperation, RiskOutcome, RiskSignal, RiskStore } from '../domain/kernel/risk-store.js';
import type { Database } from './schema.js';

export interface RiskDecisionsTable {
  id: string;
  customerId: string | null;
  operation: string;
  outcome: string;
  rule: string | null;
  score: number;
  signals: string;
  fired: string;
  firedRules: string;
  address: string;
  holdId: string | null;
  at: number;
}

export interface RiskHoldsTable {
  id: string;
  customerId: string;
  kind: string;
  request: string;
  idempotencyKey: string;
  decisionId: string;
  rule: string;
  status: string;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  result: string | null;
}

type RiskTables = { riskDecisions: RiskDecisionsTable; riskHolds: RiskHoldsTable };

function toDecision(row: Selectable<RiskDecisionsTable>): RiskDecisionRecord {
  return {
    id: row.id,
    customerId: row.customerId,
    operation: row.operation as RiskOperation,
    outcome: row.outcome as RiskOutcome,
    rule: row.rule,
    score: Number(row.score),
    signals: JSON.parse(row.signals) as RiskSignal[],
    fired: JSON.parse(row.fired) as FiredRule[],
    address: row.address,
    holdId: row.holdId,
    at: Number(row.at),
  };
}

function toHold(row: Selectable<RiskHoldsTable>): RiskHoldRecord {
  return {
    id: row.id,
    customerId: row.customerId,
    kind: row.kind as RiskHoldRecord['kind'],
    request: JSON.parse(row.request) as Record<string, unknown>,
    idempotencyKey: row.idempotencyKey,
    decisionId: row.decisionId,
    rule: row.rule,
    status: row.status as HoldStatus,
    createdAt: Number(row.createdAt),
    resolvedAt: row.resolvedAt === null ? null : Number(row.resolvedAt),
    resolvedBy: row.resolvedBy,
    result: row.result === null ? null : (JSON.parse(row.result) as Record<string, unknown>),
  };
}

export function createRiskRepo(base: Kysely<Database>): RiskStore {
  const db = base.withTables<RiskTables>();
  return {
    async insertDecision(d) {
      await db
        .insertInto('riskDecisions')
        .values({ ...d, signals: JSON.stringify(d.signals), fired: JSON.stringify(d.fired), firedRules: `,${d.fired.map((f) => f.rule).join(',')},` })
        .execute();
    },
    async listDecisions(query) {
      let q = db.selectFrom('riskDecisions').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit);
      if (query.customerId !== undefined) q = q.where('customerId', '=', query.customerId);
      if (query.operation !== undefined) q = q.where('operation', '=', query.operation);
      // The rule that decided, or any rule that fired (observed ones included).
      // (`_` in a rule id is LIKE's one-character wildcard: it may match a little more, filtered exactly below.)
      if (query.rule !== undefined) q = q.where('firedRules', 'like', `%,${query.rule.replace(/[%\\]/g, '')},%`);
      if (query.before !== undefined) q = q.where('at', '<', query.before);
      const decisions = (await q.execute()).map(toDecision);
      return query.rule === undefined ? decisions : decisions.filter((d) => d.fired.some((f) => f.rule === query.rule));
    },
    async findDecision(id) {
      const row = await db.selectFrom('riskDecisions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toDecision(row);
    },
    async insertHold(h) {
      await db
        .insertInto('riskHolds')
        .values({ ...h, request: JSON.stringify(h.request), result: h.result === null ? null : JSON.stringify(h.result) })
        .execute();
    },
    async findHold(id) {
      const row = await db.selectFrom('riskHolds').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toHold(row);
    },
    async findHoldByKey(customerId, key) {
      const row = await db.selectFrom('riskHolds').selectAll().where('customerId', '=', customerId).where('idempotencyKey', '=', key).executeTakeFirst();
      return row && toHold(row);
    },
    async listHolds(query) {
      let q = db.selectFrom('riskHolds').selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(query.limit);
      if (query.status !== undefined) q = q.where('status', '=', query.status);
      if (query.customerId !== undefined) q = q.where('customerId', '=', query.customerId);
      return (await q.execute()).map(toHold);
    },
    async resolveHold(id, to, by, now) {
      const row = await db
        .updateTable('riskHolds')
        .set({ status: to, resolvedAt: now, resolvedBy: by })
        .where('id', '=', id)
        .where('status', '=', 'held')
        .returningAll()
        .executeTakeFirst();
      return row && toHold(row);
    },
    async setHoldResult(id, result) {
      await db.updateTable('riskHolds').set({ result: JSON.stringify(result) }).where('id', '=', id).execute();
    },
  };
}
