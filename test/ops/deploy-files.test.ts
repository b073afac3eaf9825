import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('the image runs the compiled server (dist/) on the current Node.js LTS, without sources or a transpiler', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=24$/m);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^COPY --from=build .*\/app\/dist \.\/dist$/m);
    expect(runtime).not.toMatch(/^COPY .* (\.\/)?src /m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^RUN npm prune --omit=dev$/m);
  });

  it('runtime dependencies are what the server imports: no portal, test-only or unused package', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const sources = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join('src', f), 'utf8'))
      .join('\n');
    const imported = new Set([...sources.matchAll(/(?:\bfrom|\bimport\(|require\.resolve\() ?'((?:@[^/']+\/)?[^./'][^/']*)/g)].map((m) => m[1]!).filter((name) => !name.startsWith('node:')));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...imported].sort());
    for (const devOnly of ['react', 'react-dom', 'smtp-server', 'tsx', 'typescript', 'vite']) expect(pkg.devDependencies).toHaveProperty(devOnly);
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
