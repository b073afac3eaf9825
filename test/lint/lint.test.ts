import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run lint` = ESLint (type-aware rules) + dependency-cruiser (the layering). Both are shown here
// failing on deliberate violations, so that a rule quietly switched off fails this test.

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'kabuto-layering-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small tree shaped like the repository's, with node_modules borrowed from it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'tree-'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A node script in `cwd`: its exit code and what it printed (a lint tool's exit code is its error count). */
function run(args: string[], cwd: string): Promise<{ exitCode: number; stdout: string }> {
  return promisify(execFile)(process.execPath, args, { cwd, timeout: 60_000 }).then(
    (r) => ({ exitCode: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ exitCode: e.code, stdout: e.stdout }),
  );
}

async function cruise(root: string): Promise<{ exitCode: number; rules: string[] }> {
  const bin = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  // The same output as `npm run lint`: its exit code is the number of errors.
  const args = [bin, 'src', 'web', '--config', join(ROOT, '.dependency-cruiser.cjs')];
  const result = await run(args, root);
  const rules = [...result.stdout.matchAll(/^\s*error (\S+): /gm)].map((m) => m[1]!);
  return { exitCode: result.exitCode, rules: [...new Set(rules)].sort() };
}

const CLEAN = {
  'src/domain/kernel/rules.ts': "export const limit = 5;\n",
  'src/domain/challenges/send.ts': "import { limit } from '../kernel/rules.js';\nexport const sends = limit;\n",
  'src/domain/settings/phone.ts': "import { sends } from '../challenges/send.js';\nexport const phone = sends;\n",
  'src/http/routes.ts': "import Fastify from 'fastify';\nimport { limit } from '../domain/kernel/rules.js';\nexport const app = () => [Fastify, limit];\n",
  'src/store/repo.ts': "import { Kysely } from 'kysely';\nimport { limit } from '../domain/kernel/rules.js';\nexport const repo = [Kysely, limit];\n",
  'web/src/page.tsx': "export const page = () => fetch('/api/v1/me');\n",
};

describe('the layering rule (dependency-cruiser)', () => {
  it('passes the allowed directions: http -> domain <- store, and a domain room to the rooms below it', async () => {
    expect(await cruise(tree(CLEAN))).toEqual({ exitCode: 0, rules: [] });
  });

  it('fails fastify or http in the domain, http in the store, and src/ in the portal', async () => {
    const result = await cruise(
      tree({
        ...CLEAN,
        'src/domain/kernel/rules.ts': "import Fastify from 'fastify';\nimport { app } from '../../http/routes.js';\nexport const limit = 5;\nexport const bad = [Fastify, app];\n",
        'src/store/repo.ts': "import { app } from '../http/routes.js';\nexport const repo = app;\n",
        'web/src/page.tsx': "import { limit } from '../../src/domain/kernel/rules.js';\nexport const page = limit;\n",
      }),
    );
    expect(result.exitCode).toBeGreaterThan(0);
    expect(result.rules).toEqual(['domain-imports-no-outer-layer', 'domain-is-plain-typescript', 'no-import-cycles', 'portal-speaks-http-only', 'store-and-adapters-know-no-http']);
  });

  it('fails a domain room importing a room above it, a loose domain file, and an import cycle', async () => {
    const result = await cruise(
      tree({
        ...CLEAN,
        // challenges sits above kernel and below settings: reaching up to settings is refused.
        'src/domain/challenges/send.ts': "import { limit } from '../kernel/rules.js';\nimport { phone } from '../settings/phone.js';\nexport const sends = [limit, phone];\n",
        'src/domain/loose.ts': "export const loose = 1;\n",
        'src/http/other.ts': "import { loose } from '../domain/loose.js';\nexport const other = loose;\n",
      }),
    );
    expect(result.exitCode).toBeGreaterThan(0);
    expect(result.rules).toEqual(['domain-challenges-imports-no-room-above', 'domain-files-live-in-rooms', 'no-import-cycles']);
  });
});

describe('the type-aware rules (ESLint)', () => {
  it('name a floating promise, a promise handed to a callback and a switch that misses a case', async () => {
    // The repository's configuration, on a fixture in a small tree of its own (a quick type-check).
    const root = tree({ 'src/server-bugs.ts': readFileSync(join(ROOT, 'test/lint/fixtures/server-bugs.ts'), 'utf8') });
    const eslint = new ESLint({ cwd: root, overrideConfigFile: join(ROOT, 'eslint.config.js') });
    const [result] = await eslint.lintFiles(['src/server-bugs.ts']);
    expect(result!.messages.map((m) => `${m.line} ${m.ruleId}`)).toEqual([
      '9 @typescript-eslint/no-floating-promises',
      '13 @typescript-eslint/no-misused-promises',
      '17 @typescript-eslint/switch-exhaustiveness-check',
    ]);
  });
});

describe('dead code (knip)', () => {
  it('names an export nothing imports and a file nothing reaches, with the repository’s configuration', async () => {
    const root = tree({
      'src/server.ts': "import { used } from './domain/kernel/rules.js';\nexport const main = used;\n",
      'src/domain/kernel/rules.ts': 'export const used = 1;\nexport function forgotten(): number {\n  return 2;\n}\n',
      'src/domain/kernel/orphan.ts': 'export const orphan = 3;\n',
    });
    writeFileSync(join(root, 'knip.json'), JSON.stringify({ entry: ['src/server.ts'], project: ['src/**/*.ts'] }));
    const bin = join(ROOT, 'node_modules', 'knip', 'bin', 'knip.js');
    const result = await run([bin, '--no-progress', '--include', 'exports,files'], root);
    expect(result.exitCode).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/forgotten/);
    expect(result.stdout).toMatch(/orphan\.ts/);
    expect(result.stdout).not.toMatch(/\bused\b/);
  });
});
