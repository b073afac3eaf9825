import type { OperatorRole } from './types.js';

// The back office's persistence (src/domain/operators), as a port; src/store/operator-repo.ts implements it.

export interface OperatorRecord {
  id: string;
  email: string;
  name: string;
  roles: OperatorRole[];
  createdAt: number;
  disabledAt: number | null;
}

export interface OperatorPasskeyRecord {
  id: string;
  operatorId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
}

export interface OperatorSessionRecord {
  id: string;
  secretHash: string;
  operatorId: string;
  createdAt: number;
  lastSeenAt: number;
  address: string;
  userAgent: string;
}

export interface ServiceTokenRecord {
  id: string;
  name: string;
  secretHash: string;
  roles: OperatorRole[];
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface ApprovalRecord {
  id: string;
  kind: string;
  customerId: string | null;
  payload: Record<string, unknown>;
  reason: string;
  status: ApprovalStatus;
  /** The requester's identity key (`operator:<id>`, `service:<id>`, `bootstrap`): the approver must differ. */
  requestedBy: string;
  requestedByActor: string;
  requestedAt: number;
  expiresAt: number;
  decidedBy: string | null;
  decidedByActor: string | null;
  decidedAt: number | null;
  outcome: Record<string, unknown> | null;
}

export interface CohortRecord {
  id: string;
  name: string;
  bucketFrom: number;
  bucketTo: number;
  dueAt: number;
  createdAt: number;
  createdBy: string;
}

export interface FactorCounts {
  passkey: number;
  app: number;
  sms: number;
  none: number;
}

export interface FactorSnapshot extends FactorCounts {
  day: string;
  takenAt: number;
}

/** A customer found by the back office's search, with what the case view's header shows. */
export interface CustomerMatch {
  id: string;
  loginId: string;
  name: string;
  email: string;
  phone: string | null;
}

export interface OperatorStore {
  insertOperator(operator: OperatorRecord): Promise<boolean>;
  findOperator(id: string): Promise<OperatorRecord | undefined>;
  findOperatorByEmail(email: string): Promise<OperatorRecord | undefined>;
  listOperators(): Promise<OperatorRecord[]>;
  updateOperator(id: string, patch: Partial<Pick<OperatorRecord, 'roles' | 'disabledAt' | 'name'>>): Promise<void>;

  insertEnrolment(e: { codeHash: string; operatorId: string; expiresAt: number }): Promise<void>;
  /** The enrolment's operator when the code is unused and unexpired; marks it used (one caller wins). */
  useEnrolment(codeHash: string, now: number): Promise<string | undefined>;
  /** The operator of an unused, unexpired code, without using it. */
  peekEnrolment(codeHash: string, now: number): Promise<string | undefined>;

  insertPasskey(p: OperatorPasskeyRecord): Promise<void>;
  findPasskey(id: string): Promise<OperatorPasskeyRecord | undefined>;
  listPasskeys(operatorId: string): Promise<OperatorPasskeyRecord[]>;
  /** Moves the counter from `expected` only (two uses racing: one wins). */
  updatePasskeyCounter(id: string, expected: number, counter: number, now: number): Promise<boolean>;

  insertSession(s: OperatorSessionRecord): Promise<void>;
  findSession(id: string): Promise<OperatorSessionRecord | undefined>;
  touchSession(id: string, now: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteSessionsOf(operatorId: string): Promise<void>;

  insertToken(t: ServiceTokenRecord): Promise<void>;
  findToken(id: string): Promise<ServiceTokenRecord | undefined>;
  listTokens(): Promise<ServiceTokenRecord[]>;
  revokeToken(id: string, now: number): Promise<boolean>;
  touchToken(id: string, now: number): Promise<void>;

  insertApproval(a: ApprovalRecord): Promise<void>;
  findApproval(id: string): Promise<ApprovalRecord | undefined>;
  listApprovals(filter: { status?: ApprovalStatus; customerId?: string; limit: number }): Promise<ApprovalRecord[]>;
  /**
   * pending → `to` when unexpired at `now` and decided by someone else than the requester: one statement,
   * so two approvers racing (or an approval racing its expiry) decide once.
   */
  decideApproval(id: string, d: { to: 'approved' | 'rejected'; by: string; actor: string; now: number }): Promise<boolean>;
  recordOutcome(id: string, outcome: Record<string, unknown>): Promise<void>;

  insertCohort(c: CohortRecord): Promise<void>;
  listCohorts(): Promise<CohortRecord[]>;
  deleteCohort(id: string): Promise<boolean>;

  /** Every customer by the strongest factor they hold now. */
  countByStrongestFactor(): Promise<FactorCounts>;
  saveSnapshot(s: FactorSnapshot): Promise<void>;
  listSnapshots(limit: number): Promise<FactorSnapshot[]>;
  /** Customers whose login ID, name, e-mail or phone matches (prefix for the login ID, substring otherwise). */
  searchCustomers(query: { text: string; phone?: string }, limit: number): Promise<CustomerMatch[]>;
  /** Customers' ids in order, a page at a time (a cohort's notices). */
  listCustomerIds(afterId: string | null, limit: number): Promise<string[]>;
  /** The case view's reads of other rooms' tables (read only). */
  listCustomerSessions(customerId: string): Promise<Array<{ id: string; createdAt: number; lastSeenAt: number; address: string; userAgent: string }>>;
  listKnownDevices(customerId: string): Promise<Array<{ firstSeenAt: number; lastSeenAt: number }>>;
  listNoticesTo(recipient: string, limit: number): Promise<Array<{ kind: string; status: string; createdAt: number; sentAt: number | null }>>;
}
