import type { WebhookSender } from '../domain/feed/feed-store.js';

// The event feed's outbound POST (fetch, undici). Bounded by a time-out (connection, headers and body
// together), never follows a redirect (a 3xx is a failed attempt: an endpoint that moves is registered
// again), refuses anything but https:// unless plain http is allowed (development and test), and reads
// at most a little of the receiver's answer.

export function createWebhookSender(options: { timeoutMs: number; allowHttp: boolean }): WebhookSender {
  return {
    async post({ url, headers, body }) {
      const protocol = new URL(url).protocol;
      if (protocol !== 'https:' && !(options.allowHttp && protocol === 'http:')) throw new Error(`refused: ${protocol} endpoint`);
      const signal = AbortSignal.timeout(options.timeoutMs);
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
      // The answer is not used: drained (bounded by the same time-out) so the connection can be reused.
      await response.body?.cancel().catch(() => {});
      return { status: response.status };
    },
  };
}
