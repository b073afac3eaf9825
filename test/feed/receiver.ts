import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// A webhook receiver for the feed's tests: a real HTTP server on 127.0.0.1 that verifies every request with
// the standardwebhooks library, deduplicates by `webhook-id` as a receiver should, and can be taken down
// (connections refused), made to fail (500), to hang, or to redirect.

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'redirect';

export interface Received {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  payload: { id: string; cursor: string; type: string; timestamp: string; data: Record<string, unknown> };
  /** Whether the signature verified with one of the receiver's secrets (at the time it arrived). */
  verified: boolean;
}

export interface Receiver {
  url: string;
  mode: ReceiverMode;
  /** Every request that came in (failed ones too). */
  requests: Received[];
  /** Accepted (2xx) deliveries, by webhook-id, in the order they were accepted. */
  accepted: Map<string, Received>;
  /** Deliveries answered 2xx for an id already accepted: a receiver's duplicates. */
  duplicates: string[];
  /** The same id in flight twice at once. */
  concurrent: string[];
  /** The secrets the receiver verifies with. */
  secrets: string[];
  /** Milliseconds the receiver takes to answer (widens race windows). */
  delayMs: number;
  /** Refuse connections (the server is closed; `up` opens it again on the same port). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export function verifies(secret: string, received: Pick<Received, 'body' | 'headers'>): boolean {
  try {
    new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

export async function startReceiver(secrets: string[] = []): Promise<Receiver> {
  let server: Server | undefined;
  let port = 0;
  const inFlight = new Set<string>();
  const receiver: Receiver = {
    url: '',
    mode: 'ok',
    requests: [],
    accepted: new Map(),
    duplicates: [],
    concurrent: [],
    secrets,
    delayMs: 0,
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async up() {
      if (server) return;
      const s = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (c: Buffer) => chunks.push(c));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          const id = String(request.headers['webhook-id'] ?? '');
          const received: Received = { id, headers: request.headers, body, payload: JSON.parse(body) as Received['payload'], verified: receiver.secrets.some((secret) => verifies(secret, { body, headers: request.headers })) };
          receiver.requests.push(received);
          if (receiver.mode === 'hang') return;
          if (receiver.mode === 'fail') return void response.writeHead(500).end('down for maintenance');
          if (receiver.mode === 'redirect') return void response.writeHead(307, { location: `${receiver.url}/moved` }).end();
          if (inFlight.has(id)) receiver.concurrent.push(id);
          inFlight.add(id);
          setTimeout(() => {
            inFlight.delete(id);
            if (!received.verified) return void response.writeHead(401).end('bad signature');
            if (receiver.accepted.has(id)) receiver.duplicates.push(id);
            else receiver.accepted.set(id, received);
            response.writeHead(204).end();
          }, receiver.delayMs);
        });
      });
      await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', () => resolve()));
      port = (s.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}/hooks/kabuto`;
      server = s;
    },
    async close() {
      await receiver.down();
    },
  };
  await receiver.up();
  return receiver;
}
