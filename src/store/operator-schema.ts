// Kysely's view of the tables of migration 0030_operators (camelCase here, snake_case in SQL).

export interface OperatorsTable {
  id: string;
  email: string;
  name: string;
  roles: string;
  createdAt: number;
  disabledAt: number | null;
}

export interface OperatorPasskeysTable {
  id: string;
  operatorId: string;
  publicKey: string;
  counter: number;
  transports: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface OperatorEnrolmentsTable {
  codeHash: string;
  operatorId: string;
  expiresAt: number;
  usedAt: number | null;
}

export interface OperatorSessionsTable {
  id: string;
  secretHash: string;
  operatorId: string;
  createdAt: number;
  lastSeenAt: number;
  address: string;
  userAgent: string;
}

export interface ServiceTokensTable {
  id: string;
  name: string;
  secretHash: string;
  roles: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface ApprovalRequestsTable {
  id: string;
  kind: string;
  customerId: string | null;
  payload: string;
  reason: string;
  status: string;
  requestedBy: string;
  requestedByActor: string;
  requestedAt: number;
  expiresAt: number;
  decidedBy: string | null;
  decidedByActor: string | null;
  decidedAt: number | null;
  outcome: string | null;
}

export interface PasskeyCohortsTable {
  id: string;
  name: string;
  bucketFrom: number;
  bucketTo: number;
  dueAt: number;
  createdAt: number;
  createdBy: string;
}

export interface FactorSnapshotsTable {
  day: string;
  passkey: number;
  app: number;
  sms: number;
  none: number;
  takenAt: number;
}

export type OperatorTables = {
  operators: OperatorsTable;
  operatorPasskeys: OperatorPasskeysTable;
  operatorEnrolments: OperatorEnrolmentsTable;
  operatorSessions: OperatorSessionsTable;
  serviceTokens: ServiceTokensTable;
  approvalRequests: ApprovalRequestsTable;
  passkeyCohorts: PasskeyCohortsTable;
  factorSnapshots: FactorSnapshotsTable;
};
