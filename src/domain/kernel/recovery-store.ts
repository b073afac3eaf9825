// The persistence of recovery (src/domain/recovery): each check-and-change one conditional statement.

export interface RecoveryRecord {
  id: string;
  /** Null when the login ID was unknown: the request is kept all the same (the same work, the same answer). */
  customerId: string | null;
  createdAt: number;
  expiresAt: number;
  status: 'open' | 'used' | 'dead';
  attempts: number;
  codeHash: string | null;
  codeExpiresAt: number | null;
  sends: number;
  lastSentAt: number | null;
}

export interface RecoveryStore {
  insert(record: RecoveryRecord): Promise<void>;
  find(id: string): Promise<RecoveryRecord | undefined>;
  /** Store a fresh code if the recovery is open, the resend interval passed and sends are left. */
  reserveSend(id: string, r: { now: number; minIntervalMs: number; maxSends: number; codeHash: string; codeExpiresAt: number }): Promise<boolean>;
  /** Take one attempt while open, unexpired and under `max`; the last one kills it. */
  reserveAttempt(id: string, max: number, now: number): Promise<boolean>;
  /** open → used; exactly one caller wins. */
  finish(id: string, now: number): Promise<boolean>;
  /** メールアドレスの変更 waiting for its code (one a customer: a new request replaces it). */
  saveEmailChange(change: EmailChangeRecord): Promise<void>;
  findEmailChange(customerId: string): Promise<EmailChangeRecord | undefined>;
  /** Take one attempt while under `max` and unexpired: the attempt's number, or undefined. */
  reserveEmailChangeAttempt(customerId: string, max: number, now: number): Promise<number | undefined>;
  /** Delete it (with `codeHash`: only that one; true for exactly one caller). */
  deleteEmailChange(customerId: string, codeHash?: string): Promise<boolean>;
  /** The login IDs registered with this e-mail address (any letter case). */
  loginIdsByEmail(email: string): Promise<Array<{ customerId: string; loginId: string; email: string }>>;
}

export interface EmailChangeRecord {
  customerId: string;
  newEmail: string;
  codeHash: string;
  attempts: number;
  createdAt: number;
  expiresAt: number;
}
