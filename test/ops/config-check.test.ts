import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { configTable, formatConfigCheck } from '../../src/cli/config-check.js';

const run = promisify(execFile);
const base = { NODE_ENV: 'test', KABUTO_DATABASE_URL: ':memory:', KABUTO_SECRET: 'd'.repeat(64) };

describe('configuration', () => {
  it('reads every variable into the frozen Config, with defaults for the unset ones', () => {
    const config = loadConfig({ ...base, KABUTO_PORT: '8080', KABUTO_MFA_REQUIRED: '1', KABUTO_PHISHING_RESISTANT: 'login, withdrawal', KABUTO_DATABASE_POOL_SIZE: '' });
    expect(config).toMatchObject({ mode: 'test', port: 8080, mfaRequired: true, databasePoolSize: 10, devOutbox: false, logLevel: 'silent', host: '127.0.0.1' });
    expect([...config.phishingResistant]).toEqual(['login', 'withdrawal']);
    expect(config.secret.length).toBe(32);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ KABUTO_PORT: '70000' }, 'KABUTO_PORT must be a port number'],
    [{ KABUTO_DATABASE_POOL_SIZE: '0' }, 'KABUTO_DATABASE_POOL_SIZE must be a positive integer'],
    [{ KABUTO_DATABASE_SCHEMA: 'public; drop table x' }, 'KABUTO_DATABASE_SCHEMA must be a lower-case SQL identifier'],
    [{ KABUTO_MFA_REQUIRED: 'yes' }, 'KABUTO_MFA_REQUIRED must be 1 or 0'],
    [{ KABUTO_ADMIN_TOKEN: 'short' }, 'KABUTO_ADMIN_TOKEN must be at least 16 characters'],
    [{ KABUTO_LOG_LEVEL: 'loud' }, 'KABUTO_LOG_LEVEL must be one of'],
    [{ KABUTO_SECRET: 'abcd' }, 'KABUTO_SECRET must encode at least 32 bytes'],
    [{ KABUTO_PHISHING_RESISTANT: 'login,orders' }, 'unknown operation "orders"'],
    [{ NODE_ENV: 'production', KABUTO_DEV_OUTBOX: '1' }, 'KABUTO_DEV_OUTBOX cannot be enabled in production'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be production, development or test'],
  ])('refuses %o, naming the variable', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrowError(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrowError(message);
  });

  it('reports set, defaulted, wrong and unknown variables, and never prints a secret', () => {
    const { text, ok, problems } = formatConfigCheck({
      ...base,
      KABUTO_PORT: 'eighty',
      KABUTO_ADMIN_TOKEN: 'a-very-secret-admin-token',
      KABUTO_DATABSE_URL: 'typo',
      KABUTO_DATABASE_URL: 'postgres://kabuto:hunter2@db:5432/kabuto',
    });
    expect(ok).toBe(false);
    expect(problems).toEqual(['KABUTO_PORT must be a port number (0–65535), got "eighty"']);
    expect(text).toMatch(/^wrong +KABUTO_PORT +KABUTO_PORT must be a port number/m);
    expect(text).toMatch(/^set +KABUTO_ADMIN_TOKEN +\(hidden\)$/m);
    expect(text).toMatch(/^default +KABUTO_DATABASE_POOL_SIZE +10$/m);
    expect(text).toMatch(/^unknown +KABUTO_DATABSE_URL +not a Kabuto variable/m);
    expect(text).toContain('postgres://kabuto:***@db:5432/kabuto');
    for (const secret of ['a-very-secret-admin-token', 'hunter2', 'd'.repeat(64)]) expect(text).not.toContain(secret);
  });

  it('`kabuto config check` exits 2 with a clear message for a bad value, 0 for a good configuration', async () => {
    const env = { ...process.env, ...base };
    const good = await run('node', ['bin/kabuto.mjs', 'config', 'check'], { env });
    expect(good.stdout).toContain('configuration is valid.');
    const bad = run('node', ['bin/kabuto.mjs', 'config', 'check'], { env: { ...env, KABUTO_DATABASE_POOL_SIZE: 'many' } });
    await expect(bad).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('KABUTO_DATABASE_POOL_SIZE must be a positive integer (1–1000), got "many"'),
    });
  });

  it('the README lists every variable, exactly as declared', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(configTable());
  });
});
