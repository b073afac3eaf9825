import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// A mail server that records what it accepts: the other end of the notice outbox.

export interface FakeSmtp {
  port: number;
  /** Every message accepted, by recipient and raw content. */
  received: Array<{ to: string[]; raw: string }>;
  to(address: string): Array<{ to: string[]; raw: string }>;
  close(): Promise<void>;
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const received: FakeSmtp['received'] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const address = smtp.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    received,
    to: (address) => received.filter((m) => m.to.includes(address)),
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A figure the fault suite prints for the CI log (never asserted on time alone). */
export function figure(text: string): void {
  process.stdout.write(`  [faults] ${text}\n`);
}

/**
 * The fixture for tests of a mail server that misbehaves: a fake mail server behind a TCP proxy the
 * test can freeze or drop, started before the block's server (point KABUTO_SMTP_URL at
 * `mail.proxy.url('smtp')` in a function of options) and closed after it.
 */
export function useMailBehindProxy(): { readonly smtp: FakeSmtp; readonly proxy: TcpProxy } {
  let smtp: FakeSmtp | undefined;
  let proxy: TcpProxy | undefined;
  beforeAll(async () => {
    smtp = await startFakeSmtp();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: smtp.port });
  });
  afterAll(async () => {
    await proxy?.close();
    await smtp?.close();
  });
  return {
    get smtp() {
      if (!smtp) throw new Error('useMailBehindProxy: the mail server runs only inside its block');
      return smtp;
    },
    get proxy() {
      if (!proxy) throw new Error('useMailBehindProxy: the proxy runs only inside its block');
      return proxy;
    },
  };
}
