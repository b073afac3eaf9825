import pg from 'pg';

/**
 * PostgreSQL: fewer round trips in a transaction, with no change to what commits.
 *
 * On this kind of machine a round trip costs Kabuto 50–90 µs of CPU (a socket write and read, the
 * protocol's parse/bind/execute) and PostgreSQL as much again, beside the statement's own work; a
 * completed sign-in is a dozen of them. A connection here holds back what need not go alone:
 *
 *  - `begin`: it travels with the transaction's first statement (BEGIN can not fail, and under READ
 *    COMMITTED it takes no snapshot: every statement takes its own, as before);
 *  - in a transaction whose work said its inserts are unread (`Store.transaction(work, { insertsUnread:
 *    true })`), an INSERT with only parameters in its VALUES and no RETURNING (an upsert too) travels with
 *    the next statement or the COMMIT. Its row count is taken from its VALUES (the work reads none); if
 *    it fails, the statement it travels with (the COMMIT at the latest) fails, and the transaction rolls
 *    back as it would have;
 *  - in any transaction, a statement the store marked unread (`UNREAD` at its end: a write whose count
 *    and rows no caller reads, such as giving a reserved place back) travels with the next statement or
 *    the COMMIT, on the same terms.
 *
 * What travels together is one simple-protocol query: the statements one after the other, their
 * parameters written in as quoted literals (`'…'`, typed by their place as an untyped parameter is),
 * answered with the last statement's result. A statement this cannot write out is sent as before,
 * after what was held back.
 */

/** The text a store transaction sends (no round trip) to say its inserts are unread. */
export const INSERTS_UNREAD = '/* kabuto: inserts unread */';

interface QueryResultLike {
  command: string;
  rowCount: number | null;
  rows: unknown[];
  fields: unknown[];
}

type Send = (text: string, parameters?: unknown[]) => Promise<unknown>;

/**
 * The end the store gives a statement whose answer nobody reads (`.modifyEnd(sql.raw(UNREAD))`): in a
 * transaction it may wait for the next statement. A comment: elsewhere, and on SQLite, it changes nothing.
 */
export const UNREAD = '/* kabuto: unread */';

/** What a connection answers itself or holds back (the transaction's ends and the store's word on its inserts). */
const CONTROL = new Set(['begin', 'commit', 'rollback', INSERTS_UNREAD]);

/** One connection's held-back statements; `query` is the connection's query as Kysely calls it. */
export class HeldStatements {
  #held: string[] = [];
  #begun = false;
  #insertsUnread = false;

  constructor(private readonly send: Send) {}

  query(text: string, parameters: unknown[]): Promise<unknown> {
    // Every statement of the process comes this way: outside a transaction that holds something, at once.
    if (this.#held.length === 0 && !this.#insertsUnread && !CONTROL.has(text) && !(this.#begun && text.endsWith(UNREAD))) return this.send(text, parameters);
    return this.#query(text, parameters);
  }

  async #query(text: string, parameters: unknown[]): Promise<unknown> {
    if (text === 'begin') {
      this.#held = ['begin'];
      this.#begun = false;
      this.#insertsUnread = false;
      return synthetic('BEGIN', null);
    }
    if (text === INSERTS_UNREAD) {
      // Outside a transaction there is no commit to carry an insert: nothing is held.
      if (this.#held.length > 0 || this.#begun) this.#insertsUnread = true;
      return synthetic('SELECT', 0);
    }
    if (text === 'rollback') {
      const neverSent = !this.#begun;
      this.#reset();
      // Nothing of the transaction reached the server: a rollback has nothing to undo.
      return neverSent ? synthetic('ROLLBACK', null) : this.send(text);
    }
    if (text === 'commit') {
      const held = this.#held;
      // Only the BEGIN was held: the transaction never started there, and there is nothing to commit.
      if (!this.#begun && held.length === 1) {
        this.#reset();
        return synthetic('COMMIT', null);
      }
      // If the commit fails (a held insert refused), the transaction is open there: the ROLLBACK that
      // follows must be sent.
      this.#held = [];
      this.#begun = true;
      const committed = await this.send(script([...held, 'commit']));
      this.#reset();
      return committed;
    }
    if (this.#insertsUnread && this.#held.length < 64) {
      const rows = plainInsertRows(text);
      const written = rows === undefined ? undefined : writeOut(text, parameters);
      if (rows !== undefined && written !== undefined) {
        this.#held.push(written);
        return synthetic('INSERT', rows);
      }
    }
    // In a transaction (its BEGIN held or sent), a statement marked unread waits too.
    if ((this.#begun || this.#held.length > 0) && this.#held.length < 64 && text.endsWith(UNREAD)) {
      const written = writeOut(text, parameters);
      if (written !== undefined) {
        this.#held.push(written);
        return synthetic(text.slice(0, text.indexOf(' ')).toUpperCase(), 0);
      }
    }
    if (this.#held.length === 0) return this.send(text, parameters);
    const held = this.#held;
    this.#held = [];
    this.#begun = true;
    // A statement without parameters (a script of pg-script.ts among them) travels as it is.
    const written = parameters.length === 0 ? text : writeOut(text, parameters);
    if (written === undefined) {
      // Both asked for at once, so that they go in this order (pg queues a connection's queries): the
      // held ones' failure is the answer when there is one.
      const [, answer] = await Promise.all([this.send(script(held)), this.send(text, parameters)]);
      return answer;
    }
    return this.send(script([...held, written]));
  }

  /** Send what is held on its own (before a statement that can not travel with it). */
  async flush(): Promise<void> {
    if (this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    this.#begun = true;
    await this.send(script(held));
  }

  #reset(): void {
    this.#held = [];
    this.#begun = false;
    this.#insertsUnread = false;
  }
}

/** Statements one after the other; the line break before each `;` ends a line comment a statement may end with. */
function script(statements: string[]): string {
  return statements.join('\n;\n');
}

function synthetic(command: string, rowCount: number | null): QueryResultLike {
  return { command, rowCount, rows: [], fields: [] };
}

// `insert into "t" ("a", "b") values ($1, $2), ($3, $4)` as Kysely writes it: only parameters (or
// default/null) in the tuples, nothing after them.
const ITEM = String.raw`(?:\$\d+|default|null)`;
const TUPLE = String.raw`\(${ITEM}(?:, ${ITEM})*\)`;
const PLAIN_INSERT = new RegExp(String.raw`^insert into "[a-z_]+" \("[a-z_]+"(?:, "[a-z_]+")*\) values (${TUPLE}(?:, ${TUPLE})*)( on conflict .*)?$`, 's');

/**
 * The rows a plain INSERT writes (an upsert's rows: its count is not read either), or undefined when it
 * is anything else (RETURNING, a subquery in its values, another statement).
 */
export function plainInsertRows(text: string): number | undefined {
  const match = PLAIN_INSERT.exec(text);
  if (!match || (match[2] !== undefined && /\breturning\b/i.test(match[2]))) return undefined;
  return match[1]!.split('), (').length;
}

/**
 * The statement with its parameters written in as literals, or undefined when it can not be done
 * surely (a `$n` that has no parameter, a date or an array, a NUL character).
 * `$n` inside quoted strings, quoted names, dollar-quoted bodies and comments is left alone.
 */
export function writeOut(text: string, parameters: readonly unknown[]): string | undefined {
  const literals: string[] = [];
  for (const value of parameters) {
    const literal = literalOf(value);
    if (literal === undefined) return undefined;
    literals.push(literal);
  }
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      // An escape string (E'…') has backslash escapes the scan would misread.
      if (c === "'" && /[A-Za-z0-9_]/.test(text[i - 1] ?? '')) return undefined;
      const end = closing(text, i, c);
      if (end < 0) return undefined;
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      out += text.slice(i, end + 2);
      i = end + 2;
    } else if (c === '$') {
      const number = /^\$(\d+)/.exec(text.slice(i, i + 12));
      if (number) {
        const literal = literals[Number(number[1]) - 1];
        if (literal === undefined) return undefined;
        out += literal;
        i += number[0].length;
        continue;
      }
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i, i + 64));
      if (!tag) return undefined;
      const end = text.indexOf(tag[0], i + tag[0].length);
      if (end < 0) return undefined;
      out += text.slice(i, end + tag[0].length);
      i = end + tag[0].length;
    } else if (c === ';') {
      // One statement per held entry: a script is sent as it is, never rewritten.
      return undefined;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Where a quoted string or name that opens at `start` closes (a doubled quote stays inside). */
function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const end = text.indexOf(quote, i);
    if (end < 0) return -1;
    if (text[end + 1] === quote) i = end + 2;
    else return end;
  }
}

/** A parameter as pg would send it in text, as a quoted literal; bytes in bytea's hex form. */
function literalOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
    const text = String(value);
    return text.includes('\0') ? undefined : pg.escapeLiteral(text);
  }
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    // An escape string (E'\\x…'), whatever standard_conforming_strings says.
    return pg.escapeLiteral(`\\x${bytes.toString('hex')}`);
  }
  // A plain object is sent as JSON by pg; dates and arrays have text forms of their own: not written out.
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && typeof (value as { toPostgres?: unknown }).toPostgres !== 'function') {
    const json = JSON.stringify(value);
    return json.includes('\0') ? undefined : pg.escapeLiteral(json);
  }
  return undefined;
}
