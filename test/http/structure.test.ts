import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 12.2 and 12.4, as the sources show them: routes call the domain (never the store), one place
// resolves the session, one helper answers a domain result, and nothing is patched into the
// composition root's dependencies after it is built.

function sources(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

describe('the HTTP layer', () => {
  const http = sources('src/http');
  const routes = sources('src/http/routes');

  it('has route files, every one in a folder named after a domain room (or ops/, history/)', () => {
    expect(routes.length).toBeGreaterThan(10);
    const rooms = readdirSync('src/domain').filter((d) => statSync(join('src/domain', d)).isDirectory());
    for (const { file } of routes) {
      const folder = file.split('/')[3]!;
      if (folder === 'index.ts') continue;
      expect([...rooms, 'ops', 'history'], file).toContain(folder);
    }
  });

  it('never reaches the store: no store import, no deps.store', () => {
    for (const { file, text } of http) {
      expect(text, file).not.toMatch(/from '[./]*store\//);
      expect(text, file).not.toMatch(/\.store\b/);
    }
  });

  it('resolves a session cookie in one file only (src/http/session.ts)', () => {
    const resolving = http.filter(({ text }) => /\bresolveSession\b|cookies\[SESSION_COOKIE\]\s*[,)]/.test(text)).map(({ file }) => file);
    expect(resolving).toEqual(['src/http/session.ts']);
    const hooks = routes.filter(({ text }) => /\bauthenticate\(|preValidation: /.test(text)).map(({ file }) => file);
    expect(hooks).toEqual(['src/http/routes/index.ts']);
  });

  it('answers a domain result through answer(), never with its own isFailure → sendFailure branch', () => {
    for (const { file, text } of routes) expect(text, file).not.toMatch(/isFailure\([^)]*\)\)?\s*(\?|return)\s*sendFailure/);
  });

  it('keeps one registration list: no routeModules export', () => {
    const index = readFileSync('src/http/routes/index.ts', 'utf8');
    expect(index).not.toMatch(/routeModules/);
    expect(index).toMatch(/export async function registerRoutes/);
  });
});

describe('the composition root', () => {
  it('is the only place dependencies are set: nothing assigns into deps after createKabuto', () => {
    for (const { file, text } of [...sources('src'), ...sources('bench')]) expect(text, file).not.toMatch(/\bdeps\.\w+\s*=[^=]/);
  });
});
