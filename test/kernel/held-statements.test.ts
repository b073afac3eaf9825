import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { hashAuditEntry } from '../../src/domain/kernel/audit-chain.js';
import type { LoginEvent } from '../../src/domain/kernel/types.js';
import { verifyAuditChain } from '../../src/store/audit-verify.js';
import { HeldStatements, INSERTS_UNREAD, plainInsertRows, UNREAD, writeOut } from '../../src/store/pg-batch.js';
import { createCustomer, signInWithPassword } from '../support/flows.js';
import { describeOn, dialect, useTestServer } from '../support/harness.js';

// PostgreSQL round trips held back and sent together (src/store/pg-batch.ts), and the audit chain's
// one-statement append whose hash the database computes (src/store/audit-repo.ts). The transactions'
// outcomes are asserted on both databases; the round trips on PostgreSQL.

const server = useTestServer({}, { per: 'suite' });

function event(id: string): LoginEvent {
  return { id, customerId: null, loginId: 'held-statements', at: Date.now(), address: '192.0.2.7', userAgent: 'test', result: 'invalid_credentials' };
}

/**
 * What the connection that ran `work`'s transaction was asked to send (PostgreSQL): one entry a round
 * trip. Other connections (the notice sender's polling, the revocation listener) are left out.
 */
async function roundTrips<T>(work: () => Promise<T>): Promise<{ result: T; sent: string[]; everything: string[] }> {
  const sent: Array<{ client: unknown; text: string }> = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    sent.push({ client: this, text: typeof args[0] === 'string' ? args[0] : 'cursor' });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    const result = await work();
    const transaction = sent.find((s) => s.text.startsWith('begin'))?.client;
    return { result, sent: sent.filter((s) => s.client === transaction).map((s) => s.text), everything: sent.map((s) => s.text) };
  } finally {
    pg.Client.prototype.query = query;
  }
}

describe('a transaction whose inserts are unread', () => {
  const ids = () => Array.from({ length: 5 }, () => randomBytes(8).toString('hex'));

  it('commits every insert and the audit entry; on PostgreSQL in two round trips instead of seven', async () => {
    const store = server.kabuto.deps.store;
    const work = (keys: string[]) => async () =>
      store.transaction(
        async (trx) => {
          for (const id of keys.slice(0, 3)) await trx.loginEvents.add(event(id));
          const entry = await trx.audit.append({ customerId: null, at: Date.now(), actor: 'test', action: 'held_statements', detail: { keys } });
          for (const id of keys.slice(3)) await trx.loginEvents.add(event(id));
          return entry;
        },
        { insertsUnread: true },
      );
    const held = ids();
    const { result: entry, sent } = await roundTrips(work(held));
    expect(entry.hash).toBe(hashAuditEntry(entry));
    const rows = await server.kabuto.database.db.selectFrom('loginEvents').select('id').where('id', 'in', held).execute();
    expect(rows).toHaveLength(5);
    if (dialect === 'postgres') {
      expect(sent, sent.join('\n---\n')).toHaveLength(2);
      expect(sent[0]).toMatch(/^begin\n;\n/);
      expect(sent[1]).toMatch(/\n;\ncommit$/);
      // The same work, its inserts sent one by one: begin travels with the first.
      const { sent: unheld } = await roundTrips(async () =>
        store.transaction(async (trx) => {
          for (const id of ids()) await trx.loginEvents.add(event(id));
        }),
      );
      expect(unheld, unheld.join("\n---\n")).toHaveLength(6);
    }
  });

  it('an insert that fails fails the commit, and nothing of the transaction is kept', async () => {
    const store = server.kabuto.deps.store;
    const [first, second] = ids();
    const headBefore = await server.kabuto.database.db.selectFrom('auditHead').select('seq').executeTakeFirstOrThrow();
    await expect(
      store.transaction(
        async (trx) => {
          await trx.loginEvents.add(event(first!));
          await trx.audit.append({ customerId: null, at: Date.now(), actor: 'test', action: 'held_statements', detail: {} });
          await trx.loginEvents.add(event(second!));
          // The same key again: refused by the primary key, at the latest at the commit.
          await trx.loginEvents.add(event(second!));
        },
        { insertsUnread: true },
      ),
    ).rejects.toThrow(/duplicate key|UNIQUE constraint/);
    const rows = await server.kabuto.database.db.selectFrom('loginEvents').select('id').where('id', 'in', [first!, second!]).execute();
    expect(rows).toHaveLength(0);
    const headAfter = await server.kabuto.database.db.selectFrom('auditHead').select('seq').executeTakeFirstOrThrow();
    expect(Number(headAfter.seq)).toBe(Number(headBefore.seq));
    // The connection is whole again: the next transaction commits.
    await store.transaction(async (trx) => trx.loginEvents.add(event(first!)), { insertsUnread: true });
    expect(await server.kabuto.database.db.selectFrom('loginEvents').select('id').where('id', '=', first!).execute()).toHaveLength(1);
  });

  it('a transaction that ends before its first statement sends nothing (PostgreSQL) and keeps nothing', async () => {
    const store = server.kabuto.deps.store;
    const { everything } = await roundTrips(async () => {
      await expect(
        store.transaction(async () => {
          throw new Error('refused before writing');
        }),
      ).rejects.toThrow('refused before writing');
      await store.transaction(async () => 'nothing written', { insertsUnread: true });
    });
    // No connection was asked to begin, commit or roll back anything.
    expect(everything.filter((text) => /^(begin|commit|rollback)/.test(text))).toEqual([]);
  });
});

describeOn('postgres', 'a password sign-in, counted in round trips', () => {
  // What runs beside a sign-in and is not its own: the notice sender's polling and delivery.
  const background = /^(update notice_queue|update "notice_queue"|insert into "outbox"|select \* from "webhook_endpoints")/;

  it('takes four: the address place, the lookup with its reserved guess, and the transaction after the hash (nine before)', async () => {
    const customer = await createCustomer(server);
    // A first sign-in fills what the process keeps (the passkey migration's cohorts); the second is counted.
    expect((await signInWithPassword(server.client(), customer)).status).toBe(200);
    const client = server.client();
    const { result: response, everything } = await roundTrips(() => signInWithPassword(client, customer));
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('signed_in');
    const own = everything.filter((text) => !background.test(text.trimStart()));
    expect(own, own.join('\n---\n')).toHaveLength(4);
    // The places given back and the failures reset travel with the transaction's first statement; the session with the commit's.
    expect(own[2]).toMatch(/^begin\n;\ndelete from "throttle_events"[^]*update "customers" set "failed_logins" = '0'[^]*insert into "sessions"/);
    expect(own[3]).toMatch(/\n;\ncommit$/);
    // The customer's counters were reset by the held update: the right password cleared the reserved guess.
    const row = await server.kabuto.database.db.selectFrom('customers').select(['failedLogins']).where('loginId', '=', customer.loginId).executeTakeFirstOrThrow();
    expect(row.failedLogins).toBe(0);
  });

  it('from a browser it signed in with before: four as well, the device read with the lookup (seven before)', async () => {
    const customer = await createCustomer(server);
    const client = server.client();
    expect((await signInWithPassword(client, customer)).body.status).toBe('signed_in');
    // Signed out: the browser keeps its device cookie only (a live session would be ended by the sign-in, apart).
    expect((await client.post('/api/v1/logout')).status).toBe(204);
    const notices = async () => Number((await sql<{ n: number }>`select count(*) as n from notice_queue`.execute(server.kabuto.database.db)).rows[0]!.n);
    const queued = await notices();
    // The same browser (its device cookie): a known device, whose trust, last use and notice setting the lookup reads.
    const { result: response, everything } = await roundTrips(() => signInWithPassword(client, customer));
    expect(response.body.status).toBe('signed_in');
    const own = everything.filter((text) => !background.test(text.trimStart()));
    expect(own, own.join('\n---\n')).toHaveLength(4);
    expect(own[1]).toMatch(/from known_devices[^]*from notice_preferences/);
    // A known device: no new-device notice.
    expect(await notices()).toBe(queued);
  });
});

describe('the audit chain appended from many transactions at once', () => {
  it('chains every entry in one order, each hash the one JavaScript computes (quotes, backslashes, kana, emoji, nulls)', async () => {
    const store = server.kabuto.deps.store;
    const details = (i: number) => ({ i, text: `it's "quoted" \\ back\\slash ${'取引'.repeat(i % 3)} 🐢`, nothing: null, nested: { list: [i, `${i}`, true] } });
    const entries = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.transaction(async (trx) => trx.audit.append({ customerId: i % 2 ? null : `customer-${i}`, at: 1_700_000_000_000 + i, actor: i % 3 ? 'system' : 'operator:o\'brien', action: 'held_statements', detail: details(i) }), {
          insertsUnread: i % 2 === 0,
        }),
      ),
    );
    for (const entry of entries) expect(entry.hash).toBe(hashAuditEntry(entry));
    const seqs = entries.map((e) => e.seq).sort((a, b) => a - b);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    expect(await verifyAuditChain(server.kabuto.database.db)).toMatchObject({ intact: true });
  });
});

describeOn('postgres', 'values written out come back as they went (the first statement of a transaction travels with its BEGIN)', () => {
  it('text with quotes, backslashes and kana, bytes, numbers, booleans, nulls and JSON', async () => {
    const text = `it's "quoted" \\ back\\slash \\x41 取引 🐢 $1 -- not a comment`;
    const bytes = Buffer.from([0, 0x5c, 0x27, 0xde, 0xad, 0xff]);
    const { rows } = await server.kabuto.database.db.transaction().execute((trx) =>
      sql<{ text: string; bytes: Buffer | string; n: number; yes: boolean; nothing: null; json: string }>`select ${text}::text as text, ${bytes}::bytea as bytes, ${-42}::integer as n, ${true}::boolean as yes, ${null}::text as nothing, ${JSON.stringify({ a: "o'k" })}::text as json`.execute(trx),
    );
    expect(rows[0]!.text).toBe(text);
    expect(rows[0]!.n).toBe(-42);
    expect(rows[0]!.yes).toBe(true);
    expect(rows[0]!.nothing).toBeNull();
    expect(JSON.parse(rows[0]!.json)).toEqual({ a: "o'k" });
    expect(Buffer.from(rows[0]!.bytes as Buffer).equals(bytes)).toBe(true);
  });
});

describe('what may travel together (pg-batch.ts)', () => {
  it('takes only an insert of parameters with no RETURNING, counting its rows', () => {
    expect(plainInsertRows('insert into "sessions" ("id", "at") values ($1, $2)')).toBe(1);
    expect(plainInsertRows('insert into "sessions" ("id", "at") values ($1, $2), ($3, default), ($4, null)')).toBe(3);
    expect(plainInsertRows('insert into "known_devices" ("a", "b") values ($1, $2) on conflict ("a") do update set "b" = $3')).toBe(1);
    expect(plainInsertRows('insert into "sessions" ("id") values ($1) returning "id"')).toBeUndefined();
    expect(plainInsertRows('insert into "sessions" ("id") values ($1) on conflict ("id") do update set "id" = $2 returning "id"')).toBeUndefined();
    expect(plainInsertRows('insert into "sessions" ("id") select "id" from "other"')).toBeUndefined();
    expect(plainInsertRows('insert into "sessions" ("id") values (now())')).toBeUndefined();
    expect(plainInsertRows('update "sessions" set "id" = $1')).toBeUndefined();
  });

  it('writes parameters in as literals, and leaves $n in strings, names, dollar quotes and comments alone', () => {
    expect(writeOut('select $1, $2, $3, $4, $5, $10', ['it\'s', 7, null, true, Buffer.from([0xde, 0xad]), 'ten', 0, 0, 0, 'x'])).toBe("select 'it''s', '7', null, 'true',  E'\\\\xdead', 'x'");
    expect(writeOut(`select '$1', "$1", $$ $1 $$, $tag$ $1 $tag$, $1 -- $1\n/* $1 */`, ['v'])).toBe(`select '$1', "$1", $$ $1 $$, $tag$ $1 $tag$, 'v' -- $1\n/* $1 */`);
    expect(writeOut('select $1', ['back\\slash'])).toBe("select  E'back\\\\slash'");
    expect(writeOut('select $1', [{ a: "o'k" }])).toBe(`select '{"a":"o''k"}'`);
    // What it can not write out surely goes as it is.
    expect(writeOut('select $2', ['only one'])).toBeUndefined();
    expect(writeOut('select $1', [new Date(0)])).toBeUndefined();
    expect(writeOut('select $1', [['a']])).toBeUndefined();
    expect(writeOut('select $1', ['nul\0'])).toBeUndefined();
    expect(writeOut("select E'\\'' || $1", ['x'])).toBeUndefined();
    expect(writeOut('select 1; select $1', ['x'])).toBeUndefined();
  });

  it('sends what it held in order, before a statement it can not write out, and ends a trailing line comment', async () => {
    const sent: Array<{ text: string; parameters?: unknown[] }> = [];
    const held = new HeldStatements(async (text, parameters) => {
      sent.push({ text, ...(parameters ? { parameters } : {}) });
      return { command: 'SELECT', rowCount: 0, rows: [], fields: [] };
    });
    await held.query('begin', []);
    await held.query(INSERTS_UNREAD, []);
    expect(await held.query('insert into "t" ("a") values ($1), ($2)', ['x', 'y'])).toMatchObject({ command: 'INSERT', rowCount: 2 });
    await held.query('select 1 -- a note', []);
    expect(sent).toEqual([{ text: `begin\n;\ninsert into "t" ("a") values ('x'), ('y')\n;\nselect 1 -- a note` }]);
    await held.query('insert into "t" ("a") values ($1)', ['z']);
    await held.query('select $1', [new Date(0)]);
    expect(sent.slice(1)).toEqual([{ text: `insert into "t" ("a") values ('z')` }, { text: 'select $1', parameters: [new Date(0)] }]);
    await held.query('commit', []);
    expect(sent.at(-1)).toEqual({ text: 'commit' });
    // After the commit nothing is held: an insert outside a transaction goes at once, with its parameters.
    await held.query('insert into "t" ("a") values ($1)', ['w']);
    expect(sent.at(-1)).toEqual({ text: 'insert into "t" ("a") values ($1)', parameters: ['w'] });
  });

  it('holds a statement the store marked unread in any transaction, and sends it at once outside one', async () => {
    const sent: Array<{ text: string; parameters?: unknown[] }> = [];
    const held = new HeldStatements(async (text, parameters) => {
      sent.push({ text, ...(parameters ? { parameters } : {}) });
      return { command: 'SELECT', rowCount: 1, rows: [{ found: true }], fields: [] };
    });
    const release = `delete from "throttle_events" where "id" = $1 ${UNREAD}`;
    // Outside a transaction: nothing could carry it.
    await held.query(release, ['outside']);
    expect(sent).toEqual([{ text: release, parameters: ['outside'] }]);
    // In a transaction without the inserts' word: held, even as its first statement, and again after one was sent.
    await held.query('begin', []);
    expect(await held.query(release, ['first'])).toMatchObject({ command: 'DELETE', rowCount: 0, rows: [] });
    expect(await held.query('select $1', ['read'])).toMatchObject({ rows: [{ found: true }] });
    await held.query(release, ['second']);
    await held.query(`update "customers" set "failed_logins" = $1 where "id" = $2 returning pg_notify('c', $2) ${UNREAD}`, [0, 'c1']);
    await held.query('commit', []);
    expect(sent.slice(1).map((s) => s.text)).toEqual([
      `begin\n;\ndelete from "throttle_events" where "id" = 'first' ${UNREAD}\n;\nselect 'read'`,
      `delete from "throttle_events" where "id" = 'second' ${UNREAD}\n;\nupdate "customers" set "failed_logins" = '0' where "id" = 'c1' returning pg_notify('c', 'c1') ${UNREAD}\n;\ncommit`,
    ]);
    // An unmarked write in a transaction still goes as it is (its count may be read).
    await held.query('begin', []);
    await held.query('select 1', []);
    await held.query('delete from "t" where "a" = $1', ['x']);
    expect(sent.at(-1)).toEqual({ text: 'delete from "t" where "a" = $1', parameters: ['x'] });
  });
});
