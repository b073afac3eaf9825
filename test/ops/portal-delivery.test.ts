import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/harness.js';

// The portal's files: pre-compressed copies chosen by Accept-Encoding, a year of caching for hashed
// files and none for the page, and the page telling a browser without a session cookie that it has none.

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    // node:http, not fetch: the body as sent, never decompressed on the way.
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('serving the built portal', () => {
  const root = mkdtempSync(join(tmpdir(), 'kabuto-web-'));
  const script = Buffer.from(`console.log(${JSON.stringify('x'.repeat(4000))});`);
  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><html lang="ja"><head><title>t</title><script type="module" src="/assets/index-AbC123_x.js"></script></head><body><div id="root"></div></body></html>');
    writeFileSync(join(root, 'assets/index-AbC123_x.js'), script);
    writeFileSync(join(root, 'assets/index-AbC123_x.js.br'), brotliCompressSync(script));
    writeFileSync(join(root, 'assets/index-AbC123_x.js.gz'), gzipSync(script));
    writeFileSync(join(root, 'favicon.txt'), 'not hashed');
  });
  const server = useTestServer(() => ({ env: { KABUTO_WEB_ROOT: root } }), { per: 'suite' });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
  });

  it('sends the brotli copy to a browser that takes it, gzip to one that takes only gzip, the file itself otherwise', async () => {
    const br = await get(`${server.url}/assets/index-AbC123_x.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(script.length / 10);
    const gz = await get(`${server.url}/assets/index-AbC123_x.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await get(`${server.url}/assets/index-AbC123_x.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(script)).toBe(true);
  });

  it('lets browsers keep hashed files for a year, and revalidate the rest', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const asset = await get(`${server.url}/assets/index-AbC123_x.js`, { 'accept-encoding': encoding });
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await get(`${server.url}/favicon.txt`)).headers['cache-control']).toBe('no-cache');
    for (const path of ['/', '/mypage', '/settings/mfa', '/index.html']) expect((await get(`${server.url}${path}`)).headers['cache-control'], path).toBe('no-cache');
  });

  it('tells a browser without a session cookie that it has none, and says nothing to one with it', async () => {
    const fresh = await get(`${server.url}/login`);
    expect(fresh.body.toString()).toContain('<meta name="kabuto-session" content="none" />');
    const withCookie = await get(`${server.url}/mypage`, { cookie: 'kabuto_session=anything' });
    expect(withCookie.body.toString()).not.toContain('kabuto-session');
    expect(withCookie.headers.vary).toMatch(/cookie/i);
    // The same page again: 304 by its ETag.
    const again = await get(`${server.url}/login`, { 'if-none-match': String(fresh.headers.etag) });
    expect(again.status).toBe(304);
  });
});
