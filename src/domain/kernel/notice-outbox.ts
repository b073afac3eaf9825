import type { Clock, EmailSender, Logger, RandomSource, SmsSender } from './ports.js';
import { sortableId } from './crypto.js';

// The durable outbox of notices (e-mails and the held-withdrawal SMS): a notice is a row written in
// the same transaction as the change it reports, and delivered afterwards by a sender loop that runs
// in every instance. No request waits for a mail server; a kill -9 after the commit loses nothing;
// a mail server that is down delays notices, it does not drop them. Delivery is at least once: an
// instance killed between the send and the mark may send a notice a second time, never zero times.
//
// One-time codes do NOT go through here: the customer is waiting for them, so they are sent inside
// the request, and never stored anywhere but as an HMAC. A notice holds no code that opens anything: the
// one exception is the freeze code of a customer's notice e-mail (issue 16.2), which can only stop the
// account (sign-in and withdrawals), so it travels in the notice's body; only its hash is kept elsewhere.

export type NoticeChannel = 'email' | 'sms';

export interface NewNotice {
  channel: NoticeChannel;
  recipient: string;
  subject: string | null;
  body: string;
  /** The notice kind (metrics and the dead-letter alert name it; never the body). */
  kind: string;
  /**
   * The one-time freeze code this e-mail carries (src/domain/protection): its hash is stored with the
   * notice, in the same statement's transaction. A freeze code can only stop an account, never open one.
   */
  freezeCode?: { customerId: string; codeHash: string; expiresAt: number };
}

export interface QueuedNotice extends NewNotice {
  id: string;
  /** Attempts made so far, including the one just claimed. */
  attempts: number;
  createdAt: number;
}

export type NoticeStatus = 'pending' | 'sent' | 'dead';

/** The queue's persistence: each call is one statement (claim: one conditional UPDATE … RETURNING). */
export interface NoticeQueueStore {
  enqueue(notice: NewNotice & { id: string; createdAt: number }): Promise<void>;
  /**
   * Claim up to `limit` due notices: their next attempt moves to `leaseUntil` and their attempt count
   * goes up, in one statement (PostgreSQL: FOR UPDATE SKIP LOCKED, so instances never claim the same
   * row). A claim not settled by `leaseUntil` (the instance died) is due again.
   */
  claim(now: number, leaseUntil: number, limit: number): Promise<QueuedNotice[]>;
  /** The notices of a round that went out, in one statement. */
  markSent(ids: readonly string[], now: number): Promise<void>;
  /** A failed attempt: retried at `nextAttemptAt`, or dead-lettered when `dead`. */
  markFailed(id: string, failure: { nextAttemptAt: number; error: string; dead: boolean }): Promise<void>;
  /** Dead-lettered notices made due again (operator: `kabuto notices retry`). */
  revive(now: number): Promise<number>;
  counts(): Promise<Record<NoticeStatus, number>>;
  /** Forget delivered notices older than `before` (they hold addresses). */
  pruneSent(before: number): Promise<number>;
}

/** Build a row for the queue: what `queueNotice` and the money transaction write. */
export function newQueuedNotice(clock: Clock, random: RandomSource, notice: NewNotice): NewNotice & { id: string; createdAt: number } {
  const now = clock.now();
  return { ...notice, id: sortableId(now, random), createdAt: now };
}

export interface DeliveryPolicy {
  /** Attempts before a notice is dead-lettered. */
  maxAttempts: number;
  /** First retry after this; doubled on each failure up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed notice is reserved for its sender (longer than any send can take). */
  leaseMs: number;
  /** Notices claimed per round. */
  batch: number;
  /** Sent at once: the sender must leave the database pool to the requests. */
  parallel: number;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = { maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 15 * 60_000, leaseMs: 120_000, batch: 4, parallel: 2 };

/** Exponential back-off with jitter (±20 %), so instances retrying after an outage do not stampede. */
export function retryDelay(policy: DeliveryPolicy, attempts: number, random: RandomSource): number {
  const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + (random.int(401) / 1000)));
}

/**
 * Counted by channel, never by kind: a lock notice goes only to an account that exists, so a count
 * per kind would tell real login IDs from unknown ones to whoever reads the metrics (issue 11.11).
 * The kind of a dead-lettered notice is in its alert log line, for the operator.
 */
export interface DeliveryEvents {
  sent(channel: NoticeChannel): void;
  failed(channel: NoticeChannel): void;
  dead(channel: NoticeChannel): void;
}

export interface DeliveryDeps {
  queue: NoticeQueueStore;
  email: EmailSender;
  sms: SmsSender;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  events: DeliveryEvents;
  policy: DeliveryPolicy;
}

export interface NoticeDelivery {
  /** Rounds until one claims less than a batch: claim what is due and send it. Returns the number of notices settled (sent or failed). */
  deliverDue(): Promise<number>;
  /** Rounds until nothing due is left (and any round in flight has finished): tests and the dev outbox. */
  drain(): Promise<void>;
  /** The round in flight, if any, finished; starts none. */
  settled(): Promise<void>;
}

/** The sender: plain logic over the queue port; the composition root runs it on a timer. */
export function createNoticeDelivery(deps: DeliveryDeps): NoticeDelivery {
  const { queue, clock, policy } = deps;
  // One round at a time in this process; other processes are kept apart by the claim itself.
  let running: Promise<number> | undefined;

  /** Sends one notice; a failure is recorded here, a success by the round (true). */
  async function send(notice: QueuedNotice): Promise<boolean> {
    try {
      if (notice.channel === 'email') await deps.email.sendEmail(notice.recipient, notice.subject ?? '', notice.body);
      else await deps.sms.sendSms(notice.recipient, notice.body);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const dead = notice.attempts >= policy.maxAttempts;
      const nextAttemptAt = clock.now() + retryDelay(policy, notice.attempts, deps.random);
      await queue.markFailed(notice.id, { nextAttemptAt, error: message.slice(0, 500), dead });
      deps.events.failed(notice.channel);
      if (dead) {
        deps.events.dead(notice.channel);
        // The operator's alert: a notice that will not be sent without them (docs/operations.md).
        deps.logger.error({ alert: 'notice_dead_letter', notice: notice.kind, noticeId: notice.id, attempts: notice.attempts, error: message }, 'ALERT notice dead-lettered after repeated failures');
      } else {
        deps.logger.warn({ notice: notice.kind, noticeId: notice.id, attempts: notice.attempts, retryAt: new Date(nextAttemptAt).toISOString(), error: message }, 'notice could not be sent; will retry');
      }
      return false;
    }
  }

  async function round(): Promise<number> {
    const now = clock.now();
    const claimed = await queue.claim(now, now + policy.leaseMs, policy.batch);
    // A few at a time (the lease covers batch / parallel sends in a row).
    const sent: QueuedNotice[] = [];
    for (let i = 0; i < claimed.length; i += policy.parallel) {
      const slice = claimed.slice(i, i + policy.parallel);
      const outcomes = await Promise.all(slice.map(send));
      sent.push(...slice.filter((_, j) => outcomes[j]));
    }
    // The round's sent notices marked in one statement, not one each (a round trip per notice on
    // PostgreSQL). An instance that dies before it sends them again after the lease: at least once, as ever.
    if (sent.length > 0) {
      await queue.markSent(sent.map((notice) => notice.id), clock.now());
      for (const notice of sent) deps.events.sent(notice.channel);
    }
    return claimed.length;
  }

  /**
   * Rounds one after another while each claims a full batch (a burst of sign-ins from new devices), until
   * one finds less: the queue is sent as fast as the mail server takes it, not one batch per wake-up or tick
   * of the timer (1,000 notices took four minutes at one batch a second). Failed notices move to their retry
   * time, so the rounds end once every due notice had its attempt.
   */
  async function rounds(): Promise<number> {
    let settled = 0;
    for (;;) {
      const claimed = await round();
      settled += claimed;
      if (claimed < policy.batch) return settled;
    }
  }

  const delivery: NoticeDelivery = {
    deliverDue() {
      running ??= rounds().finally(() => (running = undefined));
      return running;
    },
    async settled() {
      if (running) await running.catch(() => 0);
    },
    async drain() {
      if (running) await running.catch(() => 0);
      // Bounded: a queue fed faster than it drains must not keep a caller forever.
      for (let i = 0; i < 100; i++) {
        if ((await delivery.deliverDue()) === 0) return;
      }
    },
  };
  return delivery;
}
