import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of bin/, without type declarations
import { buildState, stampBuild } from '../../bin/entry.mjs';

// `kabuto` runs dist/ (compiled by `npm run build`; `npm start` builds it when needed) when it was built
// from the sources as they are, and the sources through tsx otherwise: never stale compiled code.

const dir = mkdtempSync(join(tmpdir(), 'kabuto-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, at: number) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), '');
  utimesSync(join(dir, path), at / 1000, at / 1000);
};

describe('which code the kabuto command runs', () => {
  it('missing, fresh, stale, and fresh again after a rebuild; an image without sources runs dist', () => {
    const t0 = Date.now() - 60_000;
    write('src/cli/main.ts', t0);
    write('src/domain/deep/rule.ts', t0);
    expect(buildState(dir)).toBe('missing');
    write('dist/cli/main.js', t0 + 1000);
    stampBuild(t0 + 1000, dir);
    expect(buildState(dir)).toBe('fresh');
    write('src/domain/deep/rule.ts', t0 + 2000); // an edit after the build, deep in the tree
    expect(buildState(dir)).toBe('stale');
    stampBuild(t0 + 3000, dir);
    expect(buildState(dir)).toBe('fresh');
    rmSync(join(dir, 'src'), { recursive: true });
    expect(buildState(dir)).toBe('fresh');
    rmSync(join(dir, 'dist', '.built'));
    expect(buildState(dir)).toBe('missing');
  });
});
