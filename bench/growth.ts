import pg from 'pg';
import { POSTGRES_URL } from './databases.js';

// The growth figure's database: 1,000,000 customers and 1,000,000 live sessions more, written by
// PostgreSQL itself (INSERT ... SELECT over generate_series: no row crosses the wire), copied from
// a seeded password-only customer so every column a migration added is filled as createCustomer
// fills it. They go with the bench's schema, dropped at the end of the run.

export interface Grown {
  customers: number;
  /** Live sessions in the database after growing (the bench's own and the 100,000 besides included). */
  liveSessions: number;
  seedSeconds: number;
}

const OVERRIDES: Record<string, string> = {
  id: `'grow-c-' || i`,
  login_id: `'grow' || i`,
  email: `'grow' || i || '@growth.bench.example.jp'`,
  phone: 'null',
  phone_type: 'null',
  phone_verified: '0',
};

export async function growPostgres(schema: string, templateLoginId: string, counts: { customers: number; sessions: number }): Promise<Grown> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const started = performance.now();
  try {
    await client.query(`set search_path to ${schema}`);
    await client.query('set statement_timeout = 0');
    const { rows: columns } = await client.query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_schema = $1 and table_name = 'customers' order by ordinal_position`,
      [schema],
    );
    const names = columns.map((c) => `"${c.column_name}"`).join(', ');
    const values = columns.map((c) => OVERRIDES[c.column_name] ?? `t."${c.column_name}"`).join(', ');
    await client.query(`insert into customers (${names}) select ${values} from customers t cross join generate_series(1, $2::int) i where t.login_id = $1`, [
      templateLoginId,
      counts.customers,
    ]);
    const now = Date.now();
    await client.query(
      `insert into sessions (id, secret_hash, customer_id, created_at, last_seen_at, address, user_agent, credential_version, lineage_id)
       select 'grow-s-' || i, md5(i::text) || md5((-i)::text), 'grow-c-' || ((i - 1) % $2::int + 1), $3::bigint, $3::bigint, '192.0.2.2', 'growth', 0, null
       from generate_series(1, $1::int) i`,
      [counts.sessions, counts.customers, now],
    );
    await client.query('analyze customers');
    await client.query('analyze sessions');
    const seedSeconds = (performance.now() - started) / 1000;
    const { rows } = await client.query<{ customers: string; sessions: string }>('select (select count(*) from customers) as customers, (select count(*) from sessions) as sessions');
    return { customers: Number(rows[0]!.customers), liveSessions: Number(rows[0]!.sessions), seedSeconds };
  } finally {
    await client.end();
  }
}
