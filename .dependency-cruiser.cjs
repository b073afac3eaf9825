// The layering, checked by `npm run lint` (npx depcruise src web/src --config .dependency-cruiser.cjs):
//   src/http -> src/domain <- src/store, src/adapters; one composition root (src/kabuto.ts); web/ speaks HTTP only.
// test/lint/layering.test.ts shows each rule failing on a deliberate violation.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-plain-typescript',
      comment: 'The domain decides; it knows no web framework, database, driver, mailer or metrics library.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        path: 'node_modules/(fastify|@fastify/[^/]+|kysely|pg|better-sqlite3|nodemailer|prom-client|pino|react|react-dom|smtp-server)/',
      },
    },
    {
      name: 'domain-imports-no-outer-layer',
      comment: 'The domain imports no http, store, adapter, cli module, nor the composition root.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(http|store|adapters|cli)/|^src/(kabuto|server|demo-seed)\\.ts$' },
    },
    {
      name: 'store-and-adapters-know-no-http',
      comment: 'Repositories and adapters serve the domain; HTTP is the outermost layer.',
      severity: 'error',
      from: { path: '^src/(store|adapters)/' },
      to: { path: '^src/(http|cli)/|^src/(kabuto|server)\\.ts$|node_modules/(fastify|@fastify/[^/]+)/' },
    },
    {
      name: 'portal-speaks-http-only',
      comment: 'The portal (web/) imports nothing from the server: it speaks to it over HTTP.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
