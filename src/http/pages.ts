import type { Page } from '../domain/kernel/page.js';
import { digits, queryNumber } from './schemas.js';

// One reading of `?limit=&before=` for every history (the customer's and the back office's).

export interface PageQuery {
  limit?: string;
  before?: string;
}

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: digits(3), before: { type: 'string', maxLength: 64 } },
};

/** What `before` holds in a history; a cursor that does not read as one is ignored (the first page). */
export type Cursor<C> = (raw: string) => C | undefined;

/** A sequence number (ledger entries, audit entries). */
export const sequenceCursor: Cursor<number> = (raw) => {
  const seq = Number(raw);
  return Number.isSafeInteger(seq) ? seq : undefined;
};

/** A time, as the previous page's last `at` (sign-ins). */
export const timeCursor: Cursor<number> = (raw) => {
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : at;
};

/** An id (orders): the domain looks it up. */
export const idCursor: Cursor<string> = (raw) => raw;

/** 50 items unless asked, 1 to 200. */
export function pageOf<C>(query: PageQuery, cursor: Cursor<C>): Page<C> {
  const limit = queryNumber(query.limit, 50, 1, 200);
  const before = query.before === undefined ? undefined : cursor(query.before);
  return before === undefined ? { limit } : { limit, before };
}
