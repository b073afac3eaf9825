import net from 'node:net';

// A TCP proxy between Kabuto and what it talks to (PostgreSQL, a mail server), that the fault suite
// turns bad on command:
//   pass    forward both ways
//   freeze  keep every connection open but forward nothing, and accept new ones that never answer
//           (a frozen link, a failover without a reset, a mail server that accepts and never answers)
//   drop    reset every connection and every new one (a server that is down, a port closed)
//   delay   forward, each chunk held back `delayMs`
// Switching back to pass resumes frozen connections where they stopped (a link that recovers).

export type ProxyMode = 'pass' | 'freeze' | 'drop' | 'delay';

export interface TcpProxy {
  port: number;
  url(scheme: string, rest?: string): string;
  set(mode: ProxyMode, delayMs?: number): void;
  /** Connections accepted so far, and open now. */
  stats(): { accepted: number; open: number };
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  held: Array<{ to: net.Socket; chunk: Buffer }>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  let delayMs = 0;
  let accepted = 0;
  const pairs = new Set<Pair>();

  const forward = (pair: Pair, to: net.Socket, chunk: Buffer) => {
    if (mode === 'freeze') pair.held.push({ to, chunk });
    else if (mode === 'delay') setTimeout(() => to.destroyed || to.write(chunk), delayMs);
    else if (!to.destroyed) to.write(chunk);
  };

  const server = net.createServer((client) => {
    accepted += 1;
    if (mode === 'drop') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    client.on('data', (chunk) => forward(pair, upstream, chunk));
    upstream.on('data', (chunk) => forward(pair, client, chunk));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    url: (scheme, rest = '') => `${scheme}://127.0.0.1:${port}${rest}`,
    set(next, ms = 0) {
      mode = next;
      delayMs = ms;
      if (next === 'drop') {
        for (const pair of pairs) {
          pair.client.resetAndDestroy();
          pair.upstream.destroy();
        }
        pairs.clear();
      }
      if (next === 'pass' || next === 'delay') {
        for (const pair of pairs) {
          for (const { to, chunk } of pair.held.splice(0)) if (!to.destroyed) to.write(chunk);
        }
      }
    },
    stats: () => ({ accepted, open: pairs.size }),
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
