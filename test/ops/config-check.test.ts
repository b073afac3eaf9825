import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
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
    expect(problems).toEqual(['KABUTO_PORT must be a port number (0–65535), got "eighty"', 'KABUTO_DATABSE_URL is not a Kabuto variable (did you mean KABUTO_DATABASE_URL?)']);
    expect(text).toMatch(/^wrong +KABUTO_PORT +KABUTO_PORT must be a port number/m);
    expect(text).toMatch(/^set +KABUTO_ADMIN_TOKEN +\(hidden\)$/m);
    expect(text).toMatch(/^default +KABUTO_DATABASE_POOL_SIZE +10$/m);
    expect(text).toMatch(/^unknown +KABUTO_DATABSE_URL +not a Kabuto variable \(did you mean KABUTO_DATABASE_URL\?\)/m);
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

  // Issue 13.7: configuration that refuses mistakes. Each of these started (or ran on a default) before.
  const production = { NODE_ENV: 'production', KABUTO_SECRET: 'b'.repeat(64), KABUTO_PUBLIC_ORIGIN: 'https://kabuto.example.jp', KABUTO_SMTP_URL: 'smtps://u:p@mail.example.jp:465', KABUTO_SMS_ACCOUNT_SID: 'AC1', KABUTO_SMS_AUTH_TOKEN: 't', KABUTO_SMS_FROM: '+815012345678' };
  it.each([
    [{ KABUTO_DATABASE_URL: 'mysql://root@db/kabuto' }, 'KABUTO_DATABASE_URL has an unsupported scheme "mysql:"'],
    [{ KABUTO_DATABASE_URL: 'postgress://db/kabuto' }, 'KABUTO_DATABASE_URL has an unsupported scheme "postgress:"'],
    [{ KABUTO_DATABASE_URL: 'sqlite:' }, 'KABUTO_DATABASE_URL needs a file path after sqlite:'],
    // One typo in a 64-hex secret: it used to be read as base64, a different key.
    [{ KABUTO_SECRET: `${'d'.repeat(20)}g${'d'.repeat(43)}` }, 'KABUTO_SECRET must be hex: character "g" at position 21 is not a hex digit (a base64 secret must be written base64:…)'],
    [{ KABUTO_SECRET: 'd'.repeat(65) }, 'KABUTO_SECRET must be hex with an even number of digits'],
    [{ KABUTO_SECRET: 'base64:not base64!' }, 'KABUTO_SECRET after base64: must be standard base64'],
    [{ KABUTO_DATABSE_URL: '/srv/kabuto.db' }, 'KABUTO_DATABSE_URL is not a Kabuto variable (did you mean KABUTO_DATABASE_URL?)'],
    [{ KABUTO_SMTP_URI: 'smtp://mail:25' }, 'KABUTO_SMTP_URI is not a Kabuto variable (did you mean KABUTO_SMTP_URL?)'],
    [{ ...production, KABUTO_SMTP_URL: '' }, 'KABUTO_SMTP_URL is required in production mode'],
    [{ ...production, KABUTO_SMS_ACCOUNT_SID: '' }, 'KABUTO_SMS_ACCOUNT_SID is required in production mode'],
    [{ KABUTO_SHUTDOWN_GRACE_MS: '30000', KABUTO_SHUTDOWN_TIMEOUT_MS: '10000' }, 'KABUTO_SHUTDOWN_GRACE_MS must be shorter than KABUTO_SHUTDOWN_TIMEOUT_MS'],
  ])('refuses the mistake %o with a clear message', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrowError(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrowError(message);
  });

  it('accepts the database URLs and secret spellings it documents', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ ...base, KABUTO_DATABASE_URL: 'postgresql://k:p@db:5432/kabuto' }).databaseUrl).toBe('postgresql://k:p@db:5432/kabuto');
    expect(loadConfig({ ...base, KABUTO_DATABASE_URL: 'sqlite:/var/lib/kabuto/kabuto.db' }).databaseUrl).toBe('/var/lib/kabuto/kabuto.db');
    expect(loadConfig({ ...base, KABUTO_DATABASE_URL: 'sqlite:///var/lib/kabuto/kabuto.db' }).databaseUrl).toBe('/var/lib/kabuto/kabuto.db');
    expect(loadConfig({ ...base, KABUTO_DATABASE_URL: './data/kabuto.db' }).databaseUrl).toBe('./data/kabuto.db');
    expect(loadConfig({ ...base, KABUTO_SECRET: hex }).secret.toString('hex')).toBe(hex);
    expect(loadConfig({ ...base, KABUTO_SECRET: `hex:${hex}` }).secret.toString('hex')).toBe(hex);
    expect(loadConfig({ ...base, KABUTO_SECRET: `base64:${Buffer.from(hex, 'hex').toString('base64')}` }).secret.toString('hex')).toBe(hex);
    expect(loadConfig(production).mode).toBe('production');
  });

  it('reports every problem at once, one per line', () => {
    const error = (() => {
      try {
        loadConfig({ ...base, KABUTO_PORT: 'x', KABUTO_DATABASE_URL: 'mysql://db', KABUTO_SMTP_URI: 'smtp://mail' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(error.message.split('\n')).toEqual([
      'KABUTO_PORT must be a port number (0–65535), got "x"',
      'KABUTO_DATABASE_URL has an unsupported scheme "mysql:" (use postgres://…, postgresql://…, sqlite:PATH or a file path)',
      'KABUTO_SMTP_URI is not a Kabuto variable (did you mean KABUTO_SMTP_URL?)',
    ]);
  });

  it('`kabuto config check` exits 2 when a name is unknown, saying which it meant', async () => {
    const env = { ...process.env, ...base, KABUTO_DATABSE_URL: '/srv/kabuto.db' };
    await expect(run('node', ['bin/kabuto.mjs', 'config', 'check'], { env })).rejects.toMatchObject({
      code: 2,
      stdout: expect.stringContaining('1 wrong: the server will not start'),
      stderr: expect.stringContaining('KABUTO_DATABSE_URL is not a Kabuto variable (did you mean KABUTO_DATABASE_URL?)'),
    });
  });

  it('`kabuto serve` refuses every mistake in one go, and start-up failures are one line without a stack trace', async () => {
    const env = { ...process.env, ...base };
    const mistakes = run('node', ['bin/kabuto.mjs', 'serve'], { env: { ...env, KABUTO_DATABSE_URL: '/srv/kabuto.db', KABUTO_DATABASE_URL: 'mysql://db/kabuto' } });
    await expect(mistakes).rejects.toMatchObject({ code: 2 });
    const { stderr } = await mistakes.catch((e: { stderr: string }) => e);
    expect(stderr.trim().split('\n')).toEqual([
      'kabuto: 2 configuration errors:',
      '  - KABUTO_DATABASE_URL has an unsupported scheme "mysql:" (use postgres://…, postgresql://…, sqlite:PATH or a file path)',
      '  - KABUTO_DATABSE_URL is not a Kabuto variable (did you mean KABUTO_DATABASE_URL?)',
    ]);

    // A database that refuses connections (nothing listens on port 9).
    const unreachable = await run('node', ['bin/kabuto.mjs', 'serve'], { env: { ...env, KABUTO_DATABASE_URL: 'postgres://kabuto:hunter2@127.0.0.1:9/kabuto', KABUTO_DATABASE_CONNECT_TIMEOUT_MS: '1000' } }).catch((e: { code: number; stderr: string }) => e);
    expect(unreachable).toMatchObject({ code: 1 });
    expect((unreachable as { stderr: string }).stderr.trim().split('\n')).toEqual([expect.stringMatching(/^kabuto: cannot open the database postgres:\/\/kabuto:\*\*\*@127\.0\.0\.1:9\/kabuto \(KABUTO_DATABASE_URL\): .*ECONNREFUSED/)]);

    // A port in use.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const inUse = await run('node', ['bin/kabuto.mjs', 'serve'], { env: { ...env, KABUTO_PORT: port, KABUTO_SEED_DEMO: '0' } }).catch((e: { code: number; stderr: string }) => e);
      expect(inUse).toMatchObject({ code: 1 });
      expect((inUse as { stderr: string }).stderr.trim().split('\n')).toEqual([`kabuto: cannot listen on 127.0.0.1:${port}: the port is already in use (KABUTO_PORT, KABUTO_HOST)`]);
    } finally {
      blocker.close();
    }
    // Three `kabuto serve` processes in turn (8 s alone): 120 s, as the other tests that start server processes.
  }, 120_000);

  it('the README lists every variable, exactly as declared', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(configTable());
  });
});
