import type { Kysely } from 'kysely';

// The OpenID Provider (docs/oidc.md): how a session was authenticated (RFC 8176 `amr`, space-separated:
// the acr and amr a relying party's tokens carry come from it), the provider's own models (codes, tokens,
// grants, sessions, interactions, clients) with their expiry and lookups, its signing keys (private
// halves sealed with a key derived from KABUTO_SECRET), the single-use redemption of approvals, and the
// back-channel logout notices waiting for their relying party (retried with back-off, across restarts).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('amr', 'text').execute();
  await db.schema
    .createTable('oidc_models')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_models_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_models_grant').on('oidc_models').column('grant_id').execute();
  await db.schema.createIndex('oidc_models_uid').on('oidc_models').column('uid').execute();
  await db.schema.createIndex('oidc_models_user_code').on('oidc_models').column('user_code').execute();
  await db.schema.createIndex('oidc_models_expiry').on('oidc_models').column('expires_at').execute();
  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('sealed_private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Published from creation; signs from activates_at; stops signing at retired_at; leaves the JWKS at expires_at.
    .addColumn('activates_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema
    .createTable('oidc_redemptions')
    .addColumn('token_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('detail_hash', 'text', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('oidc_logout_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // One notice per relying party and provider session: a logout queued twice (a sweep retried) is sent once.
    .addUniqueConstraint('oidc_logout_notices_once', ['client_id', 'sid'])
    .execute();
  await db.schema.createIndex('oidc_logout_notices_due').on('oidc_logout_notices').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_logout_notices').ifExists().execute();
  await db.schema.dropTable('oidc_redemptions').ifExists().execute();
  await db.schema.dropTable('oidc_signing_keys').ifExists().execute();
  await db.schema.dropTable('oidc_models').ifExists().execute();
  await db.schema.alterTable('sessions').dropColumn('amr').execute();
}
