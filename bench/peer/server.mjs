// The peer of Kabuto's bench: a minimal better-auth server — email and password, its twoFactor
// plugin with OTP — on its own database, with the same argon2id parameters as Kabuto (better-auth
// takes a custom hasher). Started by bench/peer-figures.ts; never imported by Kabuto.
//
// Environment: PEER_PORT, PEER_DATABASE (a SQLite file, or postgres://…), PEER_SCHEMA (PostgreSQL),
// PEER_PLAIN / PEER_TWO_FACTOR (users to create: password only / with 2FA on), PEER_PASSWORD.
import { createServer } from 'node:http';
import { hash, verify } from '@node-rs/argon2';
import { betterAuth } from 'better-auth';
import { twoFactor } from 'better-auth/plugins';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import Database from 'better-sqlite3';
import pg from 'pg';

const port = Number(process.env.PEER_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const url = process.env.PEER_DATABASE;
const password = process.env.PEER_PASSWORD ?? 'bench sign-in password 7Qx!';
// Kabuto's parameters (argon2id, m=19456 KiB, t=2, p=1) and, like Kabuto, a pepper as argon2's secret.
const pepper = Buffer.from('peer-bench-pepper-0123456789abcdef');
const params = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1, secret: pepper };

function openDatabase() {
  if (url.startsWith('postgres')) {
    return new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${process.env.PEER_SCHEMA}` });
  }
  const sqlite = new Database(url);
  // The same pragmas as Kabuto's SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

/** The "SMS" of the peer: the newest OTP per e-mail, read by the bench as Kabuto's dev outbox is. */
const sent = new Map();

const auth = betterAuth({
  baseURL,
  secret: 'peer-bench-secret-0123456789abcdef0123456789',
  database: openDatabase(),
  emailAndPassword: {
    enabled: true,
    password: {
      hash: (plain) => hash(plain, params),
      verify: ({ hash: hashed, password: plain }) => verify(hashed, plain, { secret: pepper }).catch(() => false),
    },
  },
  // Its in-memory rate limiter would refuse the bench's load from one address (Kabuto's throttles
  // count failures only, and the bench makes none in these runs).
  rateLimit: { enabled: false },
  plugins: [
    twoFactor({
      otpOptions: {
        sendOTP: ({ user, otp }) => {
          sent.set(user.email, otp);
        },
      },
    }),
  ],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

// Users written through better-auth's own adapter with one real hash reused (as Kabuto's seed does).
const context = await auth.$context;
const hashed = await hash(password, params);
const users = { plain: [], twoFactor: [] };
const stamp = Math.random().toString(36).slice(2, 8);
for (const [kind, count] of [['plain', Number(process.env.PEER_PLAIN ?? 0)], ['twoFactor', Number(process.env.PEER_TWO_FACTOR ?? 0)]]) {
  for (let i = 0; i < count; i++) {
    const email = `${kind.toLowerCase()}${stamp}${i}@bench.example.jp`;
    const user = await context.internalAdapter.createUser({ email, name: 'Bench User', emailVerified: true, ...(kind === 'twoFactor' ? { twoFactorEnabled: true } : {}) });
    await context.internalAdapter.linkAccount({ userId: user.id, providerId: 'credential', accountId: user.id, password: hashed });
    users[kind].push(email);
  }
}

const authHandler = toNodeHandler(auth);
const server = createServer((request, response) => {
  if (request.url === '/bench/users') return json(response, users);
  if (request.url?.startsWith('/bench/otp?')) {
    const email = new URL(request.url, baseURL).searchParams.get('email');
    return json(response, { otp: sent.get(email) ?? null });
  }
  return authHandler(request, response);
});

function json(response, body) {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

server.keepAliveTimeout = 5_000;
server.listen(port, '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)));
