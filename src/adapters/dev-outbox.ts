import type { EmailSender, RandomSource, SmsSender, VoiceSender, Clock } from '../domain/kernel/ports.js';
import type { OutboxStore } from '../domain/kernel/store.js';
import { sortableId } from '../domain/kernel/crypto.js';

/**
 * Development senders: every SMS, call and e-mail is written to the database's outbox and served at
 * /api/dev/outbox (only with KABUTO_DEV_OUTBOX=1, never in production). Stored in the database so
 * that every process of a deployment, and the tests, see the same messages.
 */
export function createDevOutbox(outbox: OutboxStore, clock: Clock, random: RandomSource): SmsSender & VoiceSender & EmailSender {
  const add = (channel: 'sms' | 'voice' | 'email', recipient: string, subject: string | null, body: string) => {
    const at = clock.now();
    // Sortable ids: messages sent in the same millisecond still list newest first.
    return outbox.add({ id: sortableId(at, random), channel, recipient, subject, body, at });
  };
  return {
    sendSms: (to, body) => add('sms', to, null, body),
    call: (to, body) => add('voice', to, null, body),
    sendEmail: (to, subject, body) => add('email', to, subject, body),
  };
}
