import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every request the portal makes, writes above all, is a function of web/src/api/ (issue 12.6): a page
// or component calls those, never the request helper or fetch itself.

const WEB = fileURLToPath(new URL('../../web/src', import.meta.url));
const API = join(WEB, 'api');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === API ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Requests a file makes by itself: the `api` helper of api/client, or fetch / XMLHttpRequest / sendBeacon. */
function ownRequests(source: string): string[] {
  const found = [...source.matchAll(/\b(api\.(?:get|post|put|patch|delete)|fetch|XMLHttpRequest|sendBeacon)\s*[(<]/g)].map((m) => m[1]!);
  if (/import\s*{[^}]*\bapi\b[^}]*}\s*from\s*'[./]*\/?api\/client'/.test(source)) found.push('imports api');
  return found;
}

describe('the portal requests the API from web/src/api/ only', () => {
  it('the check finds a page that defines its own write', () => {
    const page = `import { api } from '../api/client';\nconst postOrder = (order: unknown) => api.post<Order>('/api/v1/orders', order);\nvoid fetch('/x');`;
    expect(ownRequests(page)).toEqual(['api.post', 'fetch', 'imports api']);
    expect(ownRequests(`import { ApiError, isApiError } from '../api/client';\nimport { placeOrder } from '../api/endpoints';`)).toEqual([]);
  });

  it('no page, component or hook makes a request of its own', () => {
    const found = sourceFiles(WEB).flatMap((file) => ownRequests(readFileSync(file, 'utf8')).map((what) => `${relative(WEB, file)}: ${what}`));
    expect(found).toEqual([]);
  });
});
