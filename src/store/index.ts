import { sql } from 'kysely';
import type { Store } from '../domain/store.js';
import { createAuditRepo } from './audit-repo.js';
import { createChallengeRepo } from './challenges-repo.js';
import { createCustomerRepo } from './customers-repo.js';
import type { DatabaseHandle } from './database.js';
import { createLoginEventRepo, createOutboxRepo, createThrottleRepo } from './events-repos.js';
import { createReservationRepo } from './reservations-repo.js';
import { createSessionRepo } from './sessions-repo.js';
import { createMoneyRepo } from './money-repo.js';
import { createFactorRepo } from './factors-repo.js';

export function createStore(handle: DatabaseHandle): Store {
  const { db } = handle;
  return {
    customers: createCustomerRepo(db),
    challenges: createChallengeRepo(db),
    sessions: createSessionRepo(db),
    throttle: createThrottleRepo(db),
    reservations: createReservationRepo(db, handle.dialect),
    outbox: createOutboxRepo(db),
    audit: createAuditRepo(db),
    loginEvents: createLoginEventRepo(db),
    money: createMoneyRepo(db),
    factors: createFactorRepo(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
  };
}
