import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../../src/config-variables.js';

// No container engine runs in the test environment: these checks hold the deployment files to what
// the README promises, so that an edit cannot quietly drop the non-root user or an instance.

describe('deployment files', () => {
  it('the Dockerfile is multi-stage, runs as a non-root user, and checks /readyz', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(3);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n.*\/readyz/m);
    expect(runtime).toMatch(/^CMD \["node", "bin\/kabuto.mjs", "serve"\]$/m);
    expect(runtime).not.toMatch(/python3|g\+\+/);
  });

  it('compose runs two Kabuto instances on one PostgreSQL behind a reverse proxy, with valid settings', () => {
    const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as { services: Record<string, any> };
    const kabutos = Object.entries(compose.services).filter(([, s]) => s.image === 'kabuto:local');
    expect(kabutos).toHaveLength(2);
    expect(compose.services.postgres.image).toMatch(/^postgres:/);
    expect(compose.services.proxy.image).toMatch(/^caddy:/);
    const known = new Set(Object.values(VARIABLES).map((v) => v.name));
    for (const [, service] of kabutos) {
      expect(service.environment.KABUTO_DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(service.environment.NODE_ENV).toBe('production');
      for (const name of Object.keys(service.environment)) expect(known, name).toContain(name);
    }
    const caddyfile = readFileSync('deploy/Caddyfile', 'utf8');
    for (const [name] of kabutos) expect(caddyfile).toContain(`${name}:3000`);
    expect(caddyfile).toMatch(/@internal path \/api\/admin\/\* \/metrics/);
  });
});
