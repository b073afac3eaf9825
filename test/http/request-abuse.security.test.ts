import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';

function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('attack: request-level abuse', () => {
  const server = useTestServer({ app: { requestTimeoutMs: 1500 } });

  it('refuses bodies over 64 KiB with 413', async () => {
    const response = await server.client().post('/api/v1/login', { loginId: 'a', password: 'p'.repeat(70 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body.error).toBe('payload_too_large');
  });

  it('answers deeply nested JSON with 400, not a crash', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const response = await server.client().post('/api/v1/login', `{"loginId":"a","password":"b","x":${deep}}`, { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    const nested = await server.client().post('/api/v1/challenges/abc/verify', `{"method":"passkey","response":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, { 'content-type': 'application/json' });
    expect(nested.status).toBeLessThan(500);
    expect((await server.client().get('/healthz')).status).toBe(200);
  });

  it('cuts off a client that sends its request too slowly (slowloris)', async () => {
    const socket = await openSocket(server.url);
    const closed = new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
    });
    socket.write('POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"lo');
    // No more bytes: the server must give up on us (408 or a closed socket) rather than wait forever.
    const answer = await closed;
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  });

  it('keeps serving while many idle connections are open', async () => {
    const sockets = await Promise.all(Array.from({ length: 300 }, () => openSocket(server.url)));
    try {
      const response = await server.client().get('/healthz');
      expect(response.status).toBe(200);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});
