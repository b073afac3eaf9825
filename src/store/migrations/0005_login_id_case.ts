import { sql, type Kysely } from 'kysely';

// Login IDs that differ only by case must not both exist (issue 11): a unique index on the lower-cased
// ID. IDs are ASCII (letters, digits, . _ -), where lower() means the same in SQLite and PostgreSQL.

export async function up(db: Kysely<any>): Promise<void> {
  const duplicates = await sql<{ n: number }>`
    select count(*) as n from (select lower(login_id) from customers group by lower(login_id) having count(*) > 1) as d`.execute(db);
  const n = Number(duplicates.rows[0]?.n ?? 0);
  if (n > 0) {
    throw new Error(
      `${n} login ID(s) exist in more than one letter case (e.g. Taro and taro); rename all but one of each before upgrading: ` +
        `select login_id from customers where lower(login_id) in (select lower(login_id) from customers group by 1 having count(*) > 1)`,
    );
  }
  await sql`create unique index customers_login_id_lower on customers (lower(login_id))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index customers_login_id_lower`.execute(db);
}
