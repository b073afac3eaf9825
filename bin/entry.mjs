// Which code the `kabuto` command runs. Production runs the compiled JavaScript in dist/ (tsc's output
// of src/: `npm run build`, and `npm start` builds it when it is missing or older than src/). A tree
// whose dist/ is missing or out of date (a developer's, the test suites') runs the TypeScript sources
// through tsx instead: a dev dependency, absent from production installs and never used by them.
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time (ms) of the files under `dir`. */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * 'fresh': dist/ was built from the sources as they are (or there are no sources: a production image);
 * 'missing' or 'stale' otherwise.
 */
export function buildState(root = ROOT) {
  const stamp = join(root, 'dist', '.built');
  if (!existsSync(stamp) || !existsSync(join(root, 'dist', 'cli', 'main.js'))) return 'missing';
  const src = join(root, 'src');
  if (!existsSync(src)) return 'fresh';
  return newestUnder(src) <= statSync(stamp).mtimeMs ? 'fresh' : 'stale';
}

/** Marks dist/ as built from the sources as they were at `startedAt` (ms): a later edit makes it stale. */
export function stampBuild(startedAt, root = ROOT) {
  const stamp = join(root, 'dist', '.built');
  writeFileSync(stamp, `built from src/ as of ${new Date(startedAt).toISOString()}\n`);
  utimesSync(stamp, startedAt / 1000, startedAt / 1000);
}

/** The CLI's `main`, from dist/ when it is fresh, else from the sources. */
export async function loadMain(root = ROOT) {
  const state = buildState(root);
  if (state === 'fresh') return (await import(new URL('../dist/cli/main.js', import.meta.url).href)).main;
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error(`kabuto: the compiled code (dist/) is ${state}. Run \`npm run build\` (needs the dev dependencies).`);
    process.exit(1);
  }
  register();
  return (await import(new URL('../src/cli/main.ts', import.meta.url).href)).main;
}
