import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAppLogger } from '../../src/http/log.js';
import { requestLogger } from '../../src/http/request-log.js';

function captured(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const parent = createAppLogger({ logLevel: level }, stream);
  let children = 0;
  const child = parent.child.bind(parent);
  parent.child = (...args: Parameters<typeof child>) => (children++, child(...args));
  return { parent, lines, children: () => children };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe("a request's logger", () => {
  it('makes no pino child while the request writes nothing the level takes', async () => {
    const { parent, lines, children } = captured('warn');
    const log = requestLogger(parent, { reqId: 'r-1' }, {});
    log.info({ req: { url: '/api/v1/me' } }, 'incoming request');
    log.debug('detail');
    await flushed();
    expect(children()).toBe(0);
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it("writes pino's own lines, with the request's ID and its secrets redacted, once a line is taken", async () => {
    const { parent, lines, children } = captured('info');
    const log = requestLogger(parent, { reqId: 'r-2' }, {});
    log.info({ body: { password: 'hunter2 secret' } }, 'incoming request');
    log.warn('again');
    // One child for all of the request's lines.
    expect(children()).toBe(1);
    // pino's children inherit from their parent object: the counting wrapper goes before a child of the child is made.
    delete (parent as { child?: unknown }).child;
    log.child({ part: 'inner' }).error('inner line');
    await flushed();
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['incoming request', 'r-2'],
      ['again', 'r-2'],
      ['inner line', 'r-2'],
    ]);
    expect(lines[0]!.body).toEqual({ password: '[redacted]' });
    expect(lines[2]!.part).toBe('inner');
  });

  it('makes the child at once for a route with its own level', () => {
    const { parent, children } = captured('warn');
    const log = requestLogger(parent, { reqId: 'r-3' }, { level: 'debug' });
    expect(children()).toBe(1);
    expect(log.level).toBe('debug');
  });
});
