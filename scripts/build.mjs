// `npm run build`: the server (src/ → dist/, tsc with tsconfig.build.json) and the portal (web/ → web/dist, Vite).
// `--if-needed` (npm start's prestart): only what is missing or, for the server, older than its sources; so a
// fresh clone starts with `npm install && npm start` and no other step.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildState, ROOT, stampBuild } from '../bin/entry.mjs';

const ifNeeded = process.argv.includes('--if-needed');
process.chdir(ROOT);

const state = buildState();
if (!ifNeeded || state !== 'fresh') {
  if (ifNeeded) console.log(`Building the server (dist/ is ${state})...`);
  const startedAt = Date.now();
  rmSync('dist', { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  stampBuild(startedAt);
}
execFileSync(process.execPath, ['scripts/build-web-if-missing.mjs', ...(ifNeeded ? [] : ['--force'])], { stdio: 'inherit' });
