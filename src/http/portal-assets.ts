import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { SESSION_COOKIE } from './session.js';

// The built portal: files whose names carry a content hash (Vite's assets/name-HASH.ext) never change,
// so browsers keep them a year without asking; everything else (index.html) is revalidated every time.
// The build writes .br and .gz beside each text file, served to browsers that accept them.

export const IMMUTABLE = 'public, max-age=31536000, immutable';
const HASHED = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.br|\.gz)?$/;

export function cacheControlFor(path: string): string {
  return HASHED.test(path.replace(/\\/g, '/')) ? IMMUTABLE : 'no-cache';
}

export async function registerPortalAssets(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    wildcard: false,
    // `/` and every portal path are answered by sendPortalPage (below), not as a plain file.
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, path: string) => {
      reply.header('cache-control', cacheControlFor(path));
    },
  } as Parameters<typeof fastifyStatic>[1]);
}

let cached: { path: string; mtimeMs: number; html: string } | null = null;

function indexHtml(webRoot: string): string {
  const path = join(webRoot, 'index.html');
  const { mtimeMs } = statSync(path);
  if (!cached || cached.path !== path || cached.mtimeMs !== mtimeMs) cached = { path, mtimeMs, html: readFileSync(path, 'utf8') };
  return cached.html;
}

/**
 * A browser without the session cookie cannot be signed in: the page says so, and the portal draws the
 * sign-in form at once instead of asking /api/v1/me first. The cookie stays HttpOnly (script never reads
 * it); only its absence is told, and a cookie that is present is still checked by /api/v1/me.
 */
function mayHaveSession(request: FastifyRequest): boolean {
  return Object.keys(request.cookies ?? {}).some((name) => name.endsWith(SESSION_COOKIE));
}

export function sendPortalPage(request: FastifyRequest, reply: FastifyReply, webRoot: string): FastifyReply {
  const html = indexHtml(webRoot);
  const page = mayHaveSession(request) ? html : html.replace('<head>', '<head>\n    <meta name="kabuto-session" content="none" />');
  const etag = `"${createHash('sha256').update(page).digest('base64url').slice(0, 27)}"`;
  reply.header('cache-control', 'no-cache').header('vary', 'cookie').header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('text/html; charset=utf-8').send(page);
}
