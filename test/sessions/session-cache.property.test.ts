import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/adapters/clock.js';
import { createSessionCache } from '../../src/adapters/session-cache.js';
import { createPolicy } from '../../src/domain/kernel/policy.js';
import type { CustomerRecord, SessionRecord } from '../../src/domain/kernel/types.js';
import { createSession, endOtherSessions, endSession, endAllSessions, resolveSession, rotateAfterCredentialChange, rotateSession } from '../../src/domain/sessions/sessions.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { createStore } from '../../src/store/index.js';
import { createSeededRandom } from '../support/fake-ports.js';

// A cached session is never served after its revocation, its idle limit or its absolute limit; and a
// live one is served. The real store (SQLite) behind the real cache, driven by random command
// sequences under a manual clock that also drives the cache's copy life (2 s).

const TOUCH_INTERVAL_MS = 60_000;
const policy = createPolicy();

type Command =
  | { kind: 'use'; which: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'signIn' }
  | { kind: 'signOut'; which: number }
  | { kind: 'endOthers'; which: number }
  | { kind: 'endAll' }
  | { kind: 'rotate'; which: number }
  | { kind: 'credentialChange'; which: number };

const which = fc.nat(5);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('use' as const), which }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 500, 1_999, 2_000, 59_000, 61_000, 10 * 60_000, 29 * 60_000, 30 * 60_000, 3 * 3_600_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('signIn' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('signOut' as const), which }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('endOthers' as const), which }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('endAll' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rotate' as const), which }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('credentialChange' as const), which }) },
);

/** What the model knows of one token: revoked or not, and the last use the store holds. */
interface Modelled {
  token: string;
  record: SessionRecord;
  revoked: boolean;
  createdAt: number;
  touchedAt: number;
}

let handle: DatabaseHandle;
let customers = 0;

beforeAll(async () => {
  handle = openDatabase(':memory:');
  await migrateToLatest(handle.db);
});

afterAll(async () => {
  await handle.close();
});

function customerRecord(id: string, now: number): CustomerRecord {
  return {
    id,
    loginId: id,
    name: 'キャッシュ テスト',
    email: `${id}@example.jp`,
    address: null,
    passwordHash: 'x',
    tradingPasswordHash: 'x',
    phone: null,
    phoneType: null,
    phoneVerified: false,
    mfaMethod: 'none',
    mfaScope: 'login',
    failedLogins: 0,
    lockCount: 0,
    lockedUntil: null,
    tradingFailures: 0,
    tradingLockedUntil: null,
    factorLocked: false,
    bankAccount: null,
    contactChangedAt: null,
    createdAt: now,
    updatedAt: now,
    credentialVersion: 0,
  };
}

async function run(commands: Command[]): Promise<void> {
  const clock = createManualClock();
  const cache = createSessionCache({ now: () => clock.now() });
  const store = createStore(handle, { sessionCache: cache });
  const deps = { store, clock, random: createSeededRandom(`cache-${customers}`), policy };
  customers += 1;
  const customerId = `cache${customers}`;
  await store.customers.insert(customerRecord(customerId, clock.now()));
  const sessions: Modelled[] = [];

  const signIn = async () => {
    const customer = (await store.customers.findById(customerId))!;
    const { token, session } = await createSession(deps, customer, { address: '192.0.2.1', userAgent: 'property' });
    sessions.push({ token, record: session, revoked: false, createdAt: session.createdAt, touchedAt: session.lastSeenAt });
  };
  const live = (s: Modelled) => {
    const now = clock.now();
    return !s.revoked && now - s.touchedAt < policy.sessionIdleMs && now - s.createdAt < policy.sessionAbsoluteMs;
  };
  /** Resolves the token, checks the answer against the model, and keeps the model in step. */
  const use = async (s: Modelled): Promise<SessionRecord | undefined> => {
    const expected = live(s);
    const served = await resolveSession(deps, s.token);
    expect(served !== undefined, `${s.record.id} at +${clock.now() - s.createdAt} ms, revoked ${s.revoked}`).toBe(expected);
    if (!served) {
      s.revoked = true;
      return undefined;
    }
    expect(served.id).toBe(s.record.id);
    if (clock.now() - s.touchedAt >= TOUCH_INTERVAL_MS) s.touchedAt = clock.now();
    return served;
  };
  const pick = (n: number) => sessions[n % sessions.length];
  /** The current session replaced by a new token (same absolute limit); the old one is revoked. */
  const replaced = (old: Modelled, token: string) => {
    old.revoked = true;
    const [id] = token.split('.');
    sessions.push({ token, record: { ...old.record, id: id! }, revoked: false, createdAt: old.createdAt, touchedAt: clock.now() });
  };

  await signIn();
  for (const step of commands) {
    const s = pick('which' in step ? step.which : 0)!;
    switch (step.kind) {
      case 'use':
        await use(s);
        break;
      case 'wait':
        clock.advance(step.ms);
        break;
      case 'signIn':
        await signIn();
        break;
      case 'signOut':
        await endSession(deps, s.record.id);
        s.revoked = true;
        break;
      case 'endOthers':
        await endOtherSessions(deps, s.record);
        for (const other of sessions) if (other !== s) other.revoked = true;
        break;
      case 'endAll':
        await endAllSessions(deps, customerId);
        for (const other of sessions) other.revoked = true;
        break;
      case 'rotate': {
        const current = await use(s);
        if (current) replaced(s, (await rotateSession(deps, current)).token);
        break;
      }
      case 'credentialChange': {
        const current = await use(s);
        if (!current) break;
        const { token } = await rotateAfterCredentialChange(deps, current);
        for (const other of sessions) other.revoked = true;
        replaced(s, token);
        break;
      }
    }
    // After every step, every token the model holds answers as the model says (read from the cache when it can).
    for (const each of sessions) await use(each);
  }
}

describe('the session cache', () => {
  it('never serves a session after its revocation, idle limit or absolute limit, and serves a live one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), (commands) => run(commands)),
      { numRuns: 150 },
    );
  }, 60_000);

  it('drops a read that raced a revocation: the copy read before the forget is not kept', () => {
    const cache = createSessionCache({ now: () => 0 });
    const session = { id: 's1', secretHash: 'h', customerId: 'c1', createdAt: 0, lastSeenAt: 0, address: '', userAgent: '', credentialVersion: 0, lineageId: 's1', customerCredentialVersion: 0 };
    const mark = cache.mark();
    cache.forgetCustomer('c1');
    cache.set('s1', session, mark);
    expect(cache.get('s1')).toBeUndefined();
    cache.set('s1', session, cache.mark());
    expect(cache.get('s1')?.id).toBe('s1');
    cache.suspend();
    expect(cache.get('s1')).toBeUndefined();
    cache.set('s1', session, cache.mark());
    cache.resume();
    expect(cache.get('s1')).toBeUndefined();
  });
});
