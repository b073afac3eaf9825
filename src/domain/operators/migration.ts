import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { formatJst, queueNotice } from '../kernel/notices.js';
import type { CohortRecord } from '../kernel/operator-store.js';
import { migrationBucket } from '../factors/phishing-resistance.js';
import type { OperatorCaller } from './operators.js';

// The passkey migration, the back office's side: customers by their strongest factor now and day by day
// (a snapshot a day, taken when the dashboard is read or by `kabuto operators migration snapshot`), the
// cohorts and their dates (the rule itself lives in factors/phishing-resistance.ts), the notices that tell
// customers ahead, and the published schedule as CSV.

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Today's figures, read from the database and kept as today's snapshot. */
export async function takeSnapshot(deps: Pick<Deps, 'store' | 'clock'>) {
  const now = deps.clock.now();
  const counts = await deps.store.operators.countByStrongestFactor();
  await deps.store.operators.saveSnapshot({ day: dayOf(now), ...counts, takenAt: now });
  return counts;
}

export async function migrationDashboard(deps: Pick<Deps, 'store' | 'clock'>) {
  const now = await takeSnapshot(deps);
  const total = now.passkey + now.app + now.sms + now.none;
  const [history, cohorts] = await Promise.all([deps.store.operators.listSnapshots(90), deps.store.operators.listCohorts()]);
  return {
    now: { ...now, total },
    history: history.map(({ day, passkey, app, sms, none }) => ({ day, passkey, app, sms, none })),
    cohorts: cohorts.map(viewCohort),
  };
}

export function viewCohort(c: CohortRecord) {
  return { id: c.id, name: c.name, bucketFrom: c.bucketFrom, bucketTo: c.bucketTo, dueAt: new Date(c.dueAt).toISOString(), createdAt: new Date(c.createdAt).toISOString(), createdBy: c.createdBy };
}

/** Customers in the cohort's buckets are told (by e-mail, now) of the date unless they already have a passkey. */
async function tellCohort(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>, cohort: CohortRecord): Promise<number> {
  let told = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await deps.store.operators.listCustomerIds(after, 500);
    if (ids.length === 0) return told;
    after = ids[ids.length - 1]!;
    for (const id of ids) {
      const bucket = migrationBucket(id);
      if (bucket < cohort.bucketFrom || bucket > cohort.bucketTo) continue;
      if ((await deps.store.factors.listPasskeys(id)).length > 0) continue;
      const customer = await deps.store.customers.findById(id);
      if (!customer) continue;
      await queueNotice(deps, customer, 'passkey_deadline', { date: formatJst(cohort.dueAt) });
      told++;
    }
  }
}

/** A cohort: buckets from–to (0–99) must sign in and withdraw with a passkey from `dueAt`, at least 14 days ahead. */
export async function createCohort(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>,
  caller: OperatorCaller,
  input: { name: string; bucketFrom: number; bucketTo: number; dueAt: string },
): Promise<(ReturnType<typeof viewCohort> & { customersTold: number }) | Failure> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) return fail('invalid_request', { field: 'name', reason: '1-100 characters' });
  const { bucketFrom, bucketTo } = input;
  if (!Number.isInteger(bucketFrom) || !Number.isInteger(bucketTo) || bucketFrom < 0 || bucketTo > 99 || bucketFrom > bucketTo) return fail('invalid_request', { field: 'bucketTo', reason: '0 ≤ bucketFrom ≤ bucketTo ≤ 99' });
  const dueAt = Date.parse(input.dueAt);
  const now = deps.clock.now();
  if (!Number.isFinite(dueAt)) return fail('invalid_request', { field: 'dueAt', reason: 'an ISO 8601 date' });
  if (dueAt < now + 14 * 86_400_000) return fail('invalid_request', { field: 'dueAt', reason: 'customers are told at least 14 days ahead' });
  const cohort: CohortRecord = { id: newId(deps.random, 9), name, bucketFrom, bucketTo, dueAt, createdAt: now, createdBy: caller.actor };
  await deps.store.operators.insertCohort(cohort);
  await recordAudit(deps, null, 'passkey_cohort_created', { cohort: cohort.id, name, bucketFrom, bucketTo, dueAt: new Date(dueAt).toISOString() }, caller.actor);
  const customersTold = await tellCohort(deps, cohort);
  return { ...viewCohort(cohort), customersTold };
}

export async function deleteCohort(deps: Pick<Deps, 'store' | 'clock'>, caller: OperatorCaller, id: string): Promise<true | Failure> {
  if (!(await deps.store.operators.deleteCohort(id))) return fail('not_found');
  await recordAudit(deps, null, 'passkey_cohort_deleted', { cohort: id }, caller.actor);
  return true;
}

const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The published schedule for the regulator: one line per cohort, with how many customers it holds today. */
export async function scheduleCsv(deps: Pick<Deps, 'store'>): Promise<string> {
  const cohorts = await deps.store.operators.listCohorts();
  const sizes = new Map(cohorts.map((c) => [c.id, 0]));
  let after: string | null = null;
  for (;;) {
    const ids = await deps.store.operators.listCustomerIds(after, 1000);
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!;
    for (const id of ids) {
      const bucket = migrationBucket(id);
      for (const c of cohorts) if (c.bucketFrom <= bucket && bucket <= c.bucketTo) sizes.set(c.id, (sizes.get(c.id) ?? 0) + 1);
    }
  }
  const lines = [['cohort', 'name', 'bucket_from', 'bucket_to', 'passkey_required_from', 'operations', 'customers'].join(',')];
  for (const c of cohorts) lines.push([c.id, c.name, c.bucketFrom, c.bucketTo, new Date(c.dueAt).toISOString(), 'login withdrawal', sizes.get(c.id) ?? 0].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
