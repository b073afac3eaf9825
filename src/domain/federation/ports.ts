// The OpenID Provider's storage, as the federation room sees it (implemented in src/store/oidc-store.ts
// for SQLite and PostgreSQL). No provider library is named here: the HTTP layer adapts these to it.

/** One of the provider's models (a code, a token, a grant, a session, an interaction, a client...). */
export interface ModelRow {
  payload: Record<string, unknown>;
  /** Epoch ms; null: does not expire. */
  expiresAt: number | null;
  consumedAt: number | null;
}

export interface ModelStore {
  upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null, lookups: { grantId?: string; userCode?: string; uid?: string }): Promise<void>;
  /** Expired rows are not found. */
  find(model: string, id: string, now: number): Promise<ModelRow | undefined>;
  findByUid(model: string, uid: string, now: number): Promise<ModelRow | undefined>;
  findByUserCode(model: string, userCode: string, now: number): Promise<ModelRow | undefined>;
  /** Marks it used (a code, a rotated refresh token): true when this call did it. */
  consume(model: string, id: string, now: number): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  /** Every row of a model (clients, for the admin list). */
  list(model: string, now: number): Promise<Array<{ id: string } & ModelRow>>;
  /** Rows past their expiry are deleted (the prune command). */
  prune(now: number): Promise<number>;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  /** The private JWK, AES-256-GCM sealed under a key derived from KABUTO_SECRET. */
  sealedPrivateJwk: string;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
}

export interface SigningKeyStore {
  list(): Promise<SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  /** The keys that sign now stop at `at` and leave the JWKS at `expiresAt` (the new key takes over). */
  retireActive(exceptKid: string, at: number, expiresAt: number): Promise<void>;
  /** Keys whose publication ended are deleted. */
  deleteExpired(now: number): Promise<void>;
}

export interface RedemptionStore {
  /**
   * Records the single use of an approval (one conditional insert), in one transaction with a read of the
   * customer's withdrawal freeze: `used` when it was used already, `frozen` (nothing written) when the
   * customer's withdrawals are frozen, whenever the freeze committed before this write.
   */
  redeem(record: { tokenId: string; clientId: string; customerId: string; detailHash: string; redeemedAt: number }): Promise<'redeemed' | 'used' | 'frozen'>;
}

/** A back-channel logout token owed to a relying party (docs/oidc.md, "Logout"). */
export interface LogoutNotice {
  id: string;
  clientId: string;
  sub: string;
  sid: string;
  /** Attempts made so far. */
  attempts: number;
  createdAt: number;
}

export interface LogoutNoticeStore {
  /** Queued once per relying party and provider session: false when that logout was queued already. */
  queue(notice: LogoutNotice & { nextAttemptAt: number; lastError: string | null }): Promise<boolean>;
  /** Pending notices due at `now`, each leased to this caller alone until `leaseUntil` (a conditional update). */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<LogoutNotice[]>;
  /** Taken by the relying party: the notice is deleted. */
  delivered(id: string): Promise<void>;
  /** Refused or timed out: due again at `nextAttemptAt`, or `dead` (null) after the last attempt; the lease is let go. */
  failed(id: string, attempts: number, nextAttemptAt: number | null, lastError: string): Promise<void>;
  /** Pending and dead notices, oldest first, at most `limit` (operators, tests). */
  list(options?: { status?: 'pending' | 'dead'; limit?: number }): Promise<Array<LogoutNotice & { status: 'pending' | 'dead'; nextAttemptAt: number; lastError: string | null }>>;
  /** A dead notice made pending again, due at `now` with its attempts counted afresh: false when it was not dead. */
  revive(id: string, now: number): Promise<boolean>;
  /** A dead notice deleted (the relying party is gone for good): false when it was not dead. */
  dropDead(id: string): Promise<boolean>;
}

export interface FederationStore {
  /** Which of these session lineages still have a Kabuto session (the rest ended: single logout). */
  liveLineages(lineages: readonly string[]): Promise<Set<string>>;
  models: ModelStore;
  keys: SigningKeyStore;
  redemptions: RedemptionStore;
  logoutNotices: LogoutNoticeStore;
}
