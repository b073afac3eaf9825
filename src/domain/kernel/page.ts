/**
 * One page of a history, newest first: at most `limit` items from before the cursor (the previous page's
 * last item). What the cursor is depends on the history: a sequence number, a time, an id.
 */
export interface Page<Cursor = number> {
  limit: number;
  before?: Cursor;
}
