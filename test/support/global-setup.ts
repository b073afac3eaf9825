import { randomBytes } from 'node:crypto';
import pg from 'pg';

// PostgreSQL runs give each test server its own schema, named t_<run>_<random>. They are dropped
// here after the whole run, not one by one during it: Kysely's migrator reads the catalogue of every
// schema, and a schema dropped under it by a neighbouring test file breaks that read. A run's id
// starts with its start time, so leftovers of runs that died are dropped later, while the schemas of
// another run going on at the same time are left alone.

const STALE_AFTER_SECONDS = 6 * 3600;

function postgres(): pg.Client {
  return new pg.Client({ connectionString: process.env.KABUTO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
}

async function dropSchemas(where: (name: string) => boolean): Promise<void> {
  const client = postgres();
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>("select nspname from pg_namespace where nspname like 't\\_%'");
    for (const { nspname } of rows.filter((r) => where(r.nspname))) await client.query(`drop schema if exists "${nspname}" cascade`);
  } finally {
    await client.end();
  }
}

const runStartOf = (schema: string) => parseInt(schema.split('_')[1] ?? '', 36);

export async function setup(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  process.env.KABUTO_TEST_RUN_ID = `${now.toString(36)}_${randomBytes(3).toString('hex')}`;
  if (process.env.KABUTO_TEST_DIALECT !== 'postgres') return;
  await dropSchemas((name) => !(now - runStartOf(name) < STALE_AFTER_SECONDS));
}

export async function teardown(): Promise<void> {
  if (process.env.KABUTO_TEST_DIALECT !== 'postgres') return;
  const run = process.env.KABUTO_TEST_RUN_ID;
  await dropSchemas((name) => name.startsWith(`t_${run}_`));
}
