import type { Generated } from 'kysely';

// Kysely's view of the tables (camelCase here, snake_case in SQL through CamelCasePlugin).
// Booleans are integers 0/1 and times are epoch milliseconds (bigint), the same in SQLite and PostgreSQL.

export interface CustomersTable {
  id: string;
  loginId: string;
  name: string;
  email: string;
  address: string | null;
  passwordHash: string;
  tradingPasswordHash: string;
  phone: string | null;
  phoneType: string | null;
  phoneVerified: number;
  mfaMethod: string;
  mfaScope: string;
  failedLogins: number;
  lockCount: number;
  lockedUntil: number | null;
  tradingFailures: number;
  tradingLockedUntil: number | null;
  factorLocked: number;
  bankAccount: string | null;
  contactChangedAt: number | null;
  createdAt: number;
  updatedAt: number;
  credentialVersion: number;
}

export interface ChallengesTable {
  id: string;
  customerId: string;
  purpose: string;
  contentHash: string;
  summary: string;
  data: string;
  status: string;
  attempts: number;
  codeHash: string | null;
  codeExpiresAt: number | null;
  codeChannel: string | null;
  sends: number;
  lastSentAt: number | null;
  targetPhone: string | null;
  createdAt: number;
  expiresAt: number;
  verifiedAt: number | null;
  usedAt: number | null;
}

export interface SessionsTable {
  id: string;
  secretHash: string;
  customerId: string;
  createdAt: number;
  lastSeenAt: number;
  address: string;
  userAgent: string;
  credentialVersion: Generated<number>;
  lineageId: string | null;
  /** How the sign-in was authenticated (RFC 8176 values, space-separated); null before migration 0020. */
  amr: string | null;
}

export interface ReplacedContactsTable {
  customerId: string;
  kind: string;
  value: string;
  phoneType: string | null;
  replacedAt: number;
}

export interface ThrottleEventsTable {
  key: string;
  at: number;
  /** Set on a reservation, which is given back by it (reservations-repo.ts). */
  id: string | null;
}

export interface OutboxTable {
  id: string;
  channel: string;
  recipient: string;
  subject: string | null;
  body: string;
  at: number;
}

export interface LoginEventsTable {
  id: string;
  customerId: string | null;
  loginId: string;
  at: number;
  address: string;
  userAgent: string;
  result: string;
}

export interface AuditLogTable {
  seq: number;
  customerId: string | null;
  at: number;
  actor: string;
  action: string;
  detail: string;
  prevHash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** The hash before the last entry (PostgreSQL's one-statement append reads it back); null on SQLite. */
  prevHash: string | null;
}

export interface Database {
  customers: CustomersTable;
  challenges: ChallengesTable;
  sessions: SessionsTable;
  oidcModels: OidcModelsTable;
  oidcSigningKeys: OidcSigningKeysTable;
  oidcRedemptions: OidcRedemptionsTable;
  oidcLogoutNotices: OidcLogoutNoticesTable;
  throttleEvents: ThrottleEventsTable;
  outbox: OutboxTable;
  loginEvents: LoginEventsTable;
  auditLog: AuditLogTable;
  auditHead: AuditHeadTable;
  replacedContacts: ReplacedContactsTable;
}

export interface OidcModelsTable {
  model: string;
  id: string;
  payload: string;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  expiresAt: number | null;
  consumedAt: number | null;
}

export interface OidcSigningKeysTable {
  kid: string;
  alg: string;
  publicJwk: string;
  sealedPrivateJwk: string;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
}

export interface OidcLogoutNoticesTable {
  id: string;
  clientId: string;
  sub: string;
  sid: string;
  /** `pending` (due at nextAttemptAt) or `dead` (given up after the last attempt). */
  status: string;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
}

export interface OidcRedemptionsTable {
  tokenId: string;
  clientId: string;
  customerId: string;
  detailHash: string;
  redeemedAt: number;
}
