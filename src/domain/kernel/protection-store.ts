// The persistence of the customer's own defences (src/domain/protection): freezes, one-time freeze
// codes, operators' alerts. Every check-and-change is one conditional statement in the store.

export const FREEZE_LEVELS = ['withdrawals', 'orders', 'sign_in'] as const;
/** withdrawals: withdrawals and bank-account changes; orders: every order; sign_in: sign-in itself. */
export type FreezeLevel = (typeof FREEZE_LEVELS)[number];

export interface FreezeRecord {
  /** Since when each level is frozen, or null. */
  withdrawals: number | null;
  orders: number | null;
  signIn: number | null;
  /** The last lift: withdrawals are held for the cooling-off after it. */
  liftedAt: number | null;
}

export interface OperatorAlert {
  id: string;
  at: number;
  kind: string;
  customerId: string | null;
  detail: Record<string, unknown>;
}

export interface ProtectionStore {
  freezeOf(customerId: string): Promise<FreezeRecord>;
  /** Freeze the levels not frozen yet (a level already frozen keeps its time); returns the state after. */
  freeze(customerId: string, levels: readonly FreezeLevel[], now: number): Promise<FreezeRecord>;
  /** Lift the levels; the lift's time starts the withdrawals' cooling-off. */
  lift(customerId: string, levels: readonly FreezeLevel[], now: number): Promise<void>;
  /** Spend a freeze code of this customer: true for exactly one caller, while unused and fresh. */
  useFreezeCode(customerId: string, codeHash: string, now: number): Promise<boolean>;
  addAlert(alert: OperatorAlert): Promise<void>;
  /** The customer's notice preference: a notice on every sign-in (false, the default: new devices only). */
  noticeOnEverySignIn(customerId: string): Promise<boolean>;
  setNoticeOnEverySignIn(customerId: string, on: boolean, now: number): Promise<void>;
  /** Newest first; `before`: an alert id (paging). */
  listAlerts(limit: number, before?: string): Promise<OperatorAlert[]>;
}
