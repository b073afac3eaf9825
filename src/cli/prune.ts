import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createPolicy, type SecurityPolicy } from '../domain/kernel/policy.js';
import { openDatabase } from '../store/database.js';
import { pruneExpired, type PruneCutoffs } from '../store/retention.js';
import type { Command } from './command.js';

const HOUR = 3_600_000;

export interface RetentionOptions {
  outboxDays: number;
  eventHours: number;
  challengeHours: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { outboxDays: 7, eventHours: 48, challengeHours: 48 };

/**
 * What may go. Throttle events and dead challenges are the memory of the attempt limits (the longest
 * window is 24 hours: dead challenges before a factor lock), so they are kept at least that long;
 * a shorter retention would hand an attacker fresh budgets. Sessions go once the policy ended them.
 */
export function pruneCutoffs(now: number, retention: RetentionOptions, policy: SecurityPolicy): PruneCutoffs {
  const minimumHours = Math.ceil(Math.max(policy.deadChallengeWindowMs, policy.addressWindowMs, HOUR) / HOUR);
  if (retention.eventHours < minimumHours || retention.challengeHours < minimumHours) {
    throw new RangeError(`--event-hours and --challenge-hours must be at least ${minimumHours}: the attempt limits count that far back`);
  }
  return {
    challengesExpiredBefore: now - retention.challengeHours * HOUR,
    sessionsIdleBefore: now - policy.sessionIdleMs,
    sessionsCreatedBefore: now - policy.sessionAbsoluteMs,
    outboxBefore: now - retention.outboxDays * 24 * HOUR,
    throttleEventsBefore: now - retention.eventHours * HOUR,
    // Told of withdrawals and new passkeys during the cooling-off window, and of nothing after it.
    replacedContactsBefore: now - policy.coolingOffMs,
  };
}

const prune: Command = {
  summary: 'delete expired challenges and sessions, old outbox rows and throttle events (safe while serving)',
  usage:
    `kabuto prune [--outbox-days N] [--event-hours N] [--challenge-hours N] [--batch N]\n\n` +
    `Defaults: outbox ${DEFAULT_RETENTION.outboxDays} days, throttle events ${DEFAULT_RETENTION.eventHours} h, challenges ${DEFAULT_RETENTION.challengeHours} h after expiry\n` +
    '(at least 24 h: the attempt limits count that far back); sessions past the idle or absolute timeout.\n' +
    'Deletes in batches (default 500 rows) so that running servers are not blocked. Run it from cron, e.g. hourly.\n' +
    'The audit trail and the sign-in history are never pruned.',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { 'outbox-days': { type: 'string' }, 'event-hours': { type: 'string' }, 'challenge-hours': { type: 'string' }, batch: { type: 'string' } },
      strict: true,
    });
    const number = (raw: string | undefined, fallback: number) => (raw === undefined ? fallback : /^\d+$/.test(raw) ? Number(raw) : NaN);
    const retention = {
      outboxDays: number(values['outbox-days'], DEFAULT_RETENTION.outboxDays),
      eventHours: number(values['event-hours'], DEFAULT_RETENTION.eventHours),
      challengeHours: number(values['challenge-hours'], DEFAULT_RETENTION.challengeHours),
    };
    const batchSize = number(values.batch, 500);
    if (Object.values(retention).some(Number.isNaN) || !(batchSize >= 1)) {
      console.error('kabuto prune: retention and batch values must be whole numbers (batch at least 1)');
      return 2;
    }
    let cutoffs: PruneCutoffs;
    try {
      cutoffs = pruneCutoffs(Date.now(), retention, createPolicy());
    } catch (error) {
      console.error(`kabuto prune: ${(error as Error).message}`);
      return 2;
    }
    const config = loadConfig();
    const handle = openDatabase(config.databaseUrl, { poolSize: 1, schema: config.databaseSchema });
    try {
      const counts = await pruneExpired(handle, cutoffs, { batchSize });
      console.log(Object.entries(counts).map(([what, n]) => `${what}: ${n} deleted`).join('\n'));
      return 0;
    } finally {
      await handle.close();
    }
  },
};

export const commands: Record<string, Command> = { prune };
