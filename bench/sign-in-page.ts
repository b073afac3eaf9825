// The sign-in page as a first-time visitor's browser loads it: bytes transferred over the network
// (headers and bodies, as Chromium counts them) and the time to first contentful paint, for a cold
// cache and a warm one. `npx tsx bench/sign-in-page.ts [--runs N]`; needs web/dist (npm run build:web)
// and /usr/bin/chromium. Prints medians as JSON; figures, not pass/fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { freePort, ROOT, spawnServer } from './processes.js';

const CHROMIUM = process.env.KABUTO_E2E_CHROMIUM ?? '/usr/bin/chromium';

interface Load {
  transferredBytes: number;
  decodedBytes: number;
  firstContentfulPaintMs: number;
  signInFormMs: number;
  requests: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function measureSignInPage(runs: number): Promise<{ cold: Load; warm: Load }> {
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-sign-in-'));
  const port = await freePort();
  const server = await spawnServer({
    name: 'kabuto',
    args: ['bin/kabuto.mjs', 'serve'],
    env: { NODE_ENV: 'development', KABUTO_PORT: String(port), KABUTO_DATABASE_URL: join(dir, 'k.db'), KABUTO_SEED_DEMO: '0', KABUTO_LOG_LEVEL: 'silent', KABUTO_WEB_ROOT: join(ROOT, 'web/dist') },
    port,
    readyPath: '/healthz',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const cold: Load[] = [];
    const warm: Load[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ locale: 'ja-JP' });
      const page = await context.newPage();
      let requests = 0;
      page.on('request', () => requests++);
      const load = async (): Promise<Load> => {
        requests = 0;
        const started = Date.now();
        await page.goto(`${server.url}/login`);
        await page.getByLabel('ログインID').waitFor();
        const signInFormMs = Date.now() - started;
        await page.waitForLoadState('networkidle');
        const figures = await page.evaluate(() => {
          const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[];
          const paint = performance.getEntriesByName('first-contentful-paint')[0];
          return {
            transferredBytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
            decodedBytes: entries.reduce((sum, e) => sum + e.decodedBodySize, 0),
            firstContentfulPaintMs: paint ? Math.round(paint.startTime) : NaN,
          };
        });
        return { ...figures, signInFormMs, requests };
      };
      cold.push(await load());
      warm.push(await load());
      await context.close();
    }
    const summarise = (loads: Load[]): Load => ({
      transferredBytes: median(loads.map((l) => l.transferredBytes)),
      decodedBytes: median(loads.map((l) => l.decodedBytes)),
      firstContentfulPaintMs: median(loads.map((l) => l.firstContentfulPaintMs)),
      signInFormMs: median(loads.map((l) => l.signInFormMs)),
      requests: median(loads.map((l) => l.requests)),
    });
    return { cold: summarise(cold), warm: summarise(warm) };
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  console.log(JSON.stringify(await measureSignInPage(Number(values.runs)), null, 2));
}
