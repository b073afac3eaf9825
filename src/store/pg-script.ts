import pg from 'pg';
import { sql, type RawBuilder } from 'kysely';

/**
 * PostgreSQL: several statements in ONE round trip. A query sent without parameters (the simple
 * query protocol) may hold several statements; PostgreSQL runs them in one implicit transaction (any
 * error undoes them all; a transaction-scoped lock is held to the end), each statement still with
 * its own snapshot under READ COMMITTED. The answer is the last statement's (database.ts).
 *
 * The values are written into the text as literals: strings through pg's escapeLiteral, numbers only
 * when they are safe integers. Nothing else is accepted.
 */
export function pgScript(strings: TemplateStringsArray, ...values: Array<string | number>): RawBuilder<unknown> {
  let text = strings[0]!;
  values.forEach((value, i) => {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new TypeError(`pgScript: not a safe integer: ${value}`);
      text += String(value);
    } else if (typeof value === 'string') text += pg.escapeLiteral(value);
    else throw new TypeError('pgScript: only strings and integers');
    text += strings[i + 1]!;
  });
  return sql.raw(text);
}

