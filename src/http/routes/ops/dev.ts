import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { isFailure } from '../../../domain/kernel/errors.js';
import { parseDomesticPhone } from '../../../domain/kernel/phone-numbers.js';
import { text } from '../../schemas.js';

/** `?to=` as typed: an e-mail, or a phone in any domestic form (a bare + decodes to a space in a query). */
function recipientOf(to: string | undefined): string | undefined {
  if (!to || to.includes('@')) return to;
  const phone = parseDomesticPhone(/^\s\d+$/.test(to) ? `+${to.trim()}` : to);
  return isFailure(phone) ? to : phone.e164;
}

/** The development outbox: never registered in production or unless KABUTO_DEV_OUTBOX=1 (404 then). */
export function devRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  if (!kabuto.config.devOutbox || kabuto.config.mode === 'production') return;
  app.get<{ Querystring: { to?: string } }>(
    '/api/dev/outbox',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { to: text(254, 1) } } } },
    async (request) => {
      // Notices reach the outbox through the durable queue's sender: deliver what is due first, so a
      // reader (a developer, a test) sees every notice of the requests answered so far.
      await kabuto.notices.drain();
      const messages = await kabuto.devOutbox.list(recipientOf(request.query.to), 100);
      return messages.map((m) => ({ channel: m.channel, to: m.recipient, subject: m.subject, body: m.body, at: new Date(m.at).toISOString() }));
    },
  );
}
