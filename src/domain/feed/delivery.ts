import { Webhook } from 'standardwebhooks';
import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { retryDelay } from '../kernel/notice-outbox.js';
import { openSecret } from './endpoints.js';
import { eventOf, FEED_ACTIONS, payloadOf } from './event-types.js';
import type { Delivery, FeedEvents, FeedStore, WebhookEndpoint, WebhookSender } from './feed-store.js';

// The feed's delivery worker, in every instance (like the notice sender). Per endpoint and round:
//  1. lease the endpoint (one instance at a time delivers to it; a lease a dead instance left runs out),
//  2. queue what the audit chain holds after the endpoint's cursor (delivery rows and the moved cursor
//     in one transaction: an event is queued once, and never skipped),
//  3. send the due deliveries oldest first, each signed (Standard Webhooks), each POST bounded by a
//     time-out; a failure ends the endpoint's round (the receiver is likely down: one attempt per round,
//     not one per queued event) and is retried with exponential back-off, dead-lettered after the last.
// Endpoints run side by side and independently: one that hangs or refuses holds up no other.
// Delivery is at least once (an instance killed between the receiver's 2xx and the mark sends again):
// the receiver deduplicates by `webhook-id`, the event's stable id.

export interface FeedPolicy {
  maxAttempts: number;
  /** First retry after this, doubled per failure up to maxDelayMs (±20 % jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One POST's time-out (the sender enforces it; the lease is sized from it). */
  timeoutMs: number;
  /** Deliveries sent per endpoint and round. */
  batch: number;
  /** Audit entries read per endpoint and round. */
  scan: number;
}

export const DEFAULT_FEED_POLICY: FeedPolicy = { maxAttempts: 12, baseDelayMs: 5_000, maxDelayMs: 3_600_000, timeoutMs: 10_000, batch: 20, scan: 500 };

export type FeedDeliveryDeps = Pick<Deps, 'clock' | 'random' | 'logger' | 'secrets'> & { feed: FeedStore; sender: WebhookSender; events: FeedEvents; policy: FeedPolicy };

export interface FeedDelivery {
  /** Rounds for every active endpoint not already in rounds here, until each has nothing more due; resolves with the work done (queued + attempted). */
  deliverDue(): Promise<number>;
  /** Rounds until none does anything (tests, the CLI). */
  drain(): Promise<void>;
  /** Rounds in flight finished; starts none. */
  settled(): Promise<void>;
}

/** Long enough for a whole round of sends, each cut off by its time-out. */
export function leaseMs(policy: FeedPolicy): number {
  return policy.batch * (policy.timeoutMs + 1_000) + 30_000;
}

/** The `webhook-signature` header: the current secret's signature, and the previous one's during a rotation. */
export function signatureHeader(deps: Pick<Deps, 'secrets'>, endpoint: WebhookEndpoint, eventId: string, at: Date, payload: string, now: number): string {
  const secrets = [endpoint.secretSealed];
  if (endpoint.previousSealed && endpoint.previousUntil !== null && endpoint.previousUntil > now) secrets.push(endpoint.previousSealed);
  return secrets.map((sealed) => new Webhook(openSecret(deps, endpoint.id, sealed)).sign(eventId, at, payload)).join(' ');
}

export function createFeedDelivery(deps: FeedDeliveryDeps): FeedDelivery {
  const { feed, clock, policy } = deps;
  const running = new Map<string, Promise<number>>();

  /** Queue the events after the cursor; returns how many entries were considered. */
  async function fanOut(endpoint: WebhookEndpoint): Promise<number> {
    const entries = await feed.entriesAfter(endpoint.cursor, FEED_ACTIONS, policy.scan);
    if (entries.length === 0) return 0;
    const deliveries = entries
      .map(eventOf)
      .filter((e) => e !== undefined)
      .filter((e) => endpoint.types.length === 0 || endpoint.types.includes(e.type))
      .map((e) => ({ seq: Number(e.cursor), eventId: e.id, type: e.type, payload: payloadOf(e) }));
    await feed.enqueue(endpoint.id, endpoint.cursor, entries[entries.length - 1]!.seq, deliveries, clock.now());
    return entries.length;
  }

  async function send(endpoint: WebhookEndpoint, delivery: Delivery): Promise<boolean> {
    await feed.countAttempt(endpoint.id, delivery.seq);
    const attempts = delivery.attempts + 1;
    const now = clock.now();
    let error: string;
    try {
      const at = new Date(now);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Kabuto-Webhooks/1',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(Math.floor(now / 1000)),
        'webhook-signature': signatureHeader(deps, endpoint, delivery.eventId, at, delivery.payload, now),
      };
      const { status } = await deps.sender.post({ url: endpoint.url, headers, body: delivery.payload });
      if (status >= 200 && status < 300) {
        await feed.markDelivered(endpoint.id, delivery.seq, clock.now());
        deps.events.delivered(endpoint.id);
        return true;
      }
      error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
    } catch (cause) {
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    const dead = attempts >= policy.maxAttempts;
    const nextAttemptAt = clock.now() + retryDelay({ ...policy, leaseMs: 0, batch: 1, parallel: 1 }, attempts, deps.random);
    await feed.markFailed(endpoint.id, delivery.seq, { nextAttemptAt, error: error.slice(0, 300), dead });
    deps.events.failed(endpoint.id);
    if (dead) {
      deps.events.dead(endpoint.id);
      deps.logger.error({ alert: 'webhook_dead_letter', endpoint: endpoint.id, eventId: delivery.eventId, attempts, error }, 'ALERT webhook delivery dead-lettered after repeated failures');
    } else {
      deps.logger.warn({ endpoint: endpoint.id, eventId: delivery.eventId, attempts, retryAt: new Date(nextAttemptAt).toISOString(), error }, 'webhook delivery failed; will retry');
    }
    return false;
  }

  /** One round for one endpoint: the work done, and whether it stopped at a limit with more left behind. */
  async function round(id: string): Promise<{ work: number; more: boolean }> {
    const token = newId(deps.random, 9);
    const start = clock.now();
    const leaseUntil = start + leaseMs(policy);
    if (!(await feed.lease(id, token, start, leaseUntil))) return { work: 0, more: false };
    try {
      // Read after the lease: the cursor no other instance moves while this one holds it.
      const endpoint = await feed.findEndpoint(id);
      if (!endpoint || endpoint.status !== 'active') return { work: 0, more: false };
      const scanned = await fanOut(endpoint);
      let work = scanned;
      let sent = 0;
      for (const delivery of await feed.due(id, clock.now(), policy.batch)) {
        // Never send past the lease: another instance may hold the endpoint by then.
        if (clock.now() + policy.timeoutMs + 1_000 > leaseUntil) return { work, more: true };
        work++;
        // A failure ends the round and the rounds after it: one attempt a round while a receiver is down.
        if (!(await send(endpoint, delivery))) return { work, more: false };
        sent++;
      }
      return { work, more: sent === policy.batch || scanned === policy.scan };
    } finally {
      await feed.unlease(id, token).catch(() => {});
    }
  }

  /**
   * Rounds for one endpoint, one after another while each stops at a limit (a full batch sent, a full
   * scan queued): a busy feed (a market opening's sign-ins) is delivered as fast as the receiver takes
   * it, not one batch per tick of the timer, which would let the delay grow without end.
   */
  async function rounds(id: string): Promise<number> {
    let work = 0;
    for (;;) {
      const done = await round(id);
      work += done.work;
      if (!done.more) return work;
    }
  }

  function start(id: string): Promise<number> {
    let run = running.get(id);
    if (!run) {
      run = rounds(id).finally(() => running.delete(id));
      running.set(id, run);
      return run;
    }
    return Promise.resolve(0);
  }

  const delivery: FeedDelivery = {
    async deliverDue() {
      const endpoints = (await feed.listEndpoints()).filter((e) => e.status === 'active');
      const done = await Promise.all(endpoints.map((e) => start(e.id)));
      return done.reduce((a, b) => a + b, 0);
    },
    async settled() {
      await Promise.all([...running.values()].map((r) => r.catch(() => 0)));
    },
    async drain() {
      await delivery.settled();
      for (let i = 0; i < 100; i++) {
        if ((await delivery.deliverDue()) === 0) return;
      }
    },
  };
  return delivery;
}
