import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kabuto-cli-'));
const env = { ...process.env, NODE_ENV: 'test', KABUTO_DATABASE_URL: join(dir, 'kabuto.db'), KABUTO_SECRET: 'c'.repeat(64), KABUTO_DEV_OUTBOX: '1' };
const kabuto = (...args: string[]) => run('node', ['bin/kabuto.mjs', ...args], { env, timeout: 60_000 });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the kabuto CLI', () => {
  it('lists its commands and explains each with --help', async () => {
    const { stdout } = await kabuto('--help');
    for (const command of ['serve', 'migrate', 'customers create', 'outbox']) expect(stdout).toContain(command);
    expect((await kabuto('customers', 'create', '--help')).stdout).toContain('KABUTO_NEW_PASSWORD');
    expect((await kabuto('serve', '--help')).stdout).toContain('KABUTO_PORT');
  });

  it('migrates, opens an account and shows the outbox', async () => {
    expect((await kabuto('migrate')).stdout).toMatch(/applied|up to date/);
    expect((await kabuto('migrate')).stdout).toContain('up to date');
    const created = await run('node', ['bin/kabuto.mjs', 'customers', 'create', '--name', '山田 花子', '--email', 'hanako@example.jp', '--login-id', 'hanako', '--phone', '090-1111-2222'], {
      env: { ...env, KABUTO_NEW_PASSWORD: 'yamada long passphrase 1', KABUTO_NEW_TRADING_PASSWORD: 'yamada-trade-1' },
    });
    expect(created.stdout.trim()).toBe('hanako');
    expect((await kabuto('outbox')).stdout).toContain('outbox is empty');
  });

  it('refuses an unknown command and a weak password with a non-zero exit', async () => {
    await expect(kabuto('frobnicate')).rejects.toMatchObject({ code: 1 });
    await expect(
      run('node', ['bin/kabuto.mjs', 'customers', 'create', '--name', 'x', '--email', 'x@example.jp'], { env: { ...env, KABUTO_NEW_PASSWORD: 'short', KABUTO_NEW_TRADING_PASSWORD: 'trade-pass-1' } }),
    ).rejects.toMatchObject({ code: 1 });
  });

  it('serves, answers /healthz, and shuts down gracefully on SIGTERM', async () => {
    const child = spawn('node', ['bin/kabuto.mjs', 'serve'], { env: { ...env, KABUTO_PORT: '0', KABUTO_LOG_LEVEL: 'info', KABUTO_SEED_DEMO: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk.toString();
        const match = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`server exited: ${output}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start in production without its secret, naming the variable', async () => {
    await expect(run('node', ['bin/kabuto.mjs', 'serve'], { env: { ...env, NODE_ENV: 'production', KABUTO_SECRET: '', KABUTO_DEV_OUTBOX: '', KABUTO_PUBLIC_ORIGIN: 'https://kabuto.example.jp' } })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('KABUTO_SECRET'),
    });
  });
});
