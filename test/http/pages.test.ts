import { describe, expect, it } from 'vitest';
import { idCursor, pageOf, sequenceCursor, timeCursor } from '../../src/http/pages.js';

// One reading of ?limit=&before= for every history (src/http/pages.ts).

describe('pageOf', () => {
  it('gives 50 unless asked, and keeps the limit between 1 and 200', () => {
    expect(pageOf({}, sequenceCursor)).toEqual({ limit: 50 });
    expect(pageOf({ limit: '0' }, sequenceCursor).limit).toBe(1);
    expect(pageOf({ limit: '7' }, sequenceCursor).limit).toBe(7);
    expect(pageOf({ limit: '999' }, sequenceCursor).limit).toBe(200);
  });

  it('reads the cursor as the history means it, and ignores one that does not read (the first page)', () => {
    expect(pageOf({ before: '42' }, sequenceCursor)).toEqual({ limit: 50, before: 42 });
    expect(pageOf({ before: 'abc' }, sequenceCursor)).toEqual({ limit: 50 });
    expect(pageOf({ before: '1e300' }, sequenceCursor)).toEqual({ limit: 50 });
    expect(pageOf({ before: '2026-01-02T03:04:05.000Z' }, timeCursor)).toEqual({ limit: 50, before: Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(pageOf({ before: 'yesterday' }, timeCursor)).toEqual({ limit: 50 });
    expect(pageOf({ before: '01HXYZ' }, idCursor)).toEqual({ limit: 50, before: '01HXYZ' });
  });
});
