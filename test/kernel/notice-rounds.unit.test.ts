import { describe, expect, it } from 'vitest';
import { createNoticeDelivery, DEFAULT_DELIVERY, type NoticeQueueStore, type QueuedNotice } from '../../src/domain/kernel/notice-outbox.js';

// The sender's round over a queue that records its calls: what reaches the database per round.

function recordingQueue(due: QueuedNotice[]) {
  const calls = { markSent: [] as string[][], markFailed: [] as string[] };
  const queue: NoticeQueueStore = {
    enqueue: async () => {},
    claim: async (_now, _lease, limit) => due.splice(0, limit),
    markSent: async (ids) => {
      calls.markSent.push([...ids]);
    },
    markFailed: async (id) => {
      calls.markFailed.push(id);
    },
    revive: async () => 0,
    counts: async () => ({ pending: 0, sent: 0, dead: 0 }),
    pruneSent: async () => 0,
  };
  return { queue, calls };
}

const notice = (i: number): QueuedNotice => ({ id: `n${i}`, channel: 'email', recipient: `to${i}@example.com`, subject: 's', body: `b${i}`, kind: 'test', attempts: 1, createdAt: 0 });

describe("the notice sender's round", () => {
  it('marks the notices it sent in one statement, and a failed one apart', async () => {
    const { queue, calls } = recordingQueue([0, 1, 2, 3].map(notice));
    const sentTo: string[] = [];
    const counted: string[] = [];
    const delivery = createNoticeDelivery({
      queue,
      email: {
        sendEmail: async (to) => {
          if (to === 'to2@example.com') throw new Error('mailbox unavailable');
          sentTo.push(to);
        },
      },
      sms: { sendSms: async () => {} },
      clock: { now: () => 1_000 },
      random: { bytes: (n) => Buffer.alloc(n), int: () => 0 },
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      events: { sent: (channel) => counted.push(channel), failed: () => {}, dead: () => {} },
      policy: DEFAULT_DELIVERY,
    });
    expect(await delivery.deliverDue()).toBe(4);
    expect(sentTo).toEqual(['to0@example.com', 'to1@example.com', 'to3@example.com']);
    // One statement for the round's three (four statements before: one per notice, each a round trip).
    expect(calls.markSent).toEqual([['n0', 'n1', 'n3']]);
    expect(calls.markFailed).toEqual(['n2']);
    expect(counted).toEqual(['email', 'email', 'email']);
  });
});
