import { eventOf, FEED_ACTIONS, type FeedEvent } from './event-types.js';
import type { FeedStore } from './feed-store.js';

// The feed read by cursor (SIEM collection: GET /api/admin/v1/events?after=&limit=). The cursor is the
// audit sequence number of the last event read; sequence numbers are given in commit order under the
// chain head's lock, so an event committed after a read always lands after its cursor: no gaps.

export interface EventPage {
  events: FeedEvent[];
  /** Pass as `after` for the next page (the same cursor when nothing new was there). */
  next: string;
}

export async function readEvents(deps: { feed: FeedStore }, after: number, limit: number): Promise<EventPage> {
  const entries = await deps.feed.entriesAfter(after, FEED_ACTIONS, limit);
  const events = entries.map(eventOf).filter((e) => e !== undefined);
  return { events, next: String(entries.length ? entries[entries.length - 1]!.seq : after) };
}
