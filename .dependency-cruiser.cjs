// The layering, checked by `npm run lint` (npx depcruise src web/src --config .dependency-cruiser.cjs):
//   src/http -> src/domain <- src/store, src/adapters; one composition root (src/kabuto.ts); web/ speaks HTTP only.
// test/lint/layering.test.ts shows each rule failing on a deliberate violation.

// The domain's rooms, lowest first: a room may import its own files and the rooms below it, never one
// above (docs/architecture.md tells what each holds). A new room goes into this list in its place.
const DOMAIN_ROOMS = ['kernel', 'sessions', 'risk', 'factors', 'challenges', 'protection', 'sign-in', 'money', 'settings', 'recovery', 'customers', 'operators', 'federation', 'feed'];
const upwardImports = DOMAIN_ROOMS.slice(0, -1).map((room, i) => ({
  name: `domain-${room}-imports-no-room-above`,
  comment: `src/domain/${room} may import only ${DOMAIN_ROOMS.slice(0, i + 1).join(', ')} (the rooms are ordered in .dependency-cruiser.cjs).`,
  severity: 'error',
  from: { path: `^src/domain/${room}/` },
  to: { path: `^src/domain/(${DOMAIN_ROOMS.slice(i + 1).join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upwardImports,
    {
      name: 'domain-files-live-in-rooms',
      comment: 'Every domain file lives in one of the rooms (src/domain/<room>/), none loose at the top.',
      severity: 'error',
      from: {},
      to: { path: '^src/domain/[^/]+\\.ts$' },
    },
    {
      name: 'no-import-cycles',
      comment: 'A cycle makes two modules one in all but name.',
      severity: 'error',
      from: { path: '^(src|web/src)/' },
      to: { circular: true },
    },
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
