import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { rememberSecret } from '../support/known-secrets.js';

// `kabuto oidc`: relying parties registered from the command line (the secret printed once, kept sealed)
// and signing keys rotated.

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kabuto-oidc-cli-'));
const env = { ...process.env, NODE_ENV: 'test', KABUTO_DATABASE_URL: join(dir, 'kabuto.db'), KABUTO_SECRET: 'd'.repeat(64) };
const kabuto = (...args: string[]) => run('node', ['bin/kabuto.mjs', 'oidc', ...args], { env, timeout: 60_000 });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each call starts a process (a few seconds each on a loaded machine).
describe('kabuto oidc', { timeout: 120_000 }, () => {
  it('registers a client, printing its secret once; lists it without the secret; removes it', async () => {
    const added = await kabuto('client', 'add', '--name', 'トレードサイト', '--redirect-uri', 'https://trade.example.jp/callback', '--withdrawals');
    const clientId = /client_id:\s+(\S+)/.exec(added.stdout)?.[1];
    const secret = /client_secret:\s+(\S+)/.exec(added.stdout)?.[1];
    expect(clientId).toMatch(/^kc_/);
    expect(secret).toBeTruthy();
    rememberSecret(secret!);
    const listed = await kabuto('client', 'list');
    expect(listed.stdout).toContain(clientId);
    expect(listed.stdout).toContain('withdrawal');
    expect(listed.stdout).not.toContain(secret);
    expect((await kabuto('client', 'remove', clientId!)).stdout).toContain('removed');
    expect((await kabuto('client', 'list')).stdout).not.toContain(clientId);
  });

  it('refuses a plain-http redirect URI and a missing name', async () => {
    await expect(kabuto('client', 'add', '--name', 'x', '--redirect-uri', 'http://evil.example/cb')).rejects.toMatchObject({ code: 1 });
    await expect(kabuto('client', 'add', '--redirect-uri', 'https://rp.example/cb')).rejects.toMatchObject({ code: 2 });
  });

  it('rotates the signing key: the first key signs at once, the next one after its publication time', async () => {
    const first = await kabuto('keys', 'rotate');
    expect(first.stdout).toMatch(/new key \S+: published now/);
    await kabuto('keys', 'rotate', '--publish-seconds', '600');
    const keys = JSON.parse((await kabuto('keys', 'list')).stdout) as Array<{ state: string }>;
    expect(keys.map((k) => k.state).sort()).toEqual(['next', 'signing']);
  });
});
