// What the risk engine (src/domain/risk) keeps: its decisions, and the orders and withdrawals it holds.
// The shapes live here, in the kernel, because the store implements them and money (a room above risk)
// executes a held movement when it is released.

/** What a rule may decide. `allow` also stands for "no rule fired". */
export type RiskOutcome = 'allow' | 'step_up' | 'hold' | 'refuse';
export type RiskMode = 'enforce' | 'observe';
export type RiskOperation = 'sign_in' | 'order' | 'withdrawal';

/** One signal as a decision records it: its name, its value, and the points it added to the score. */
export interface RiskSignal {
  name: string;
  value: string | number | boolean;
  points: number;
  /** A short explanation for operators (English, technical). */
  detail?: string;
}

/** A rule that fired: what it would do, and whether it did (`enforce`) or only recorded it (`observe`). */
export interface FiredRule {
  rule: string;
  outcome: Exclude<RiskOutcome, 'allow'>;
  mode: RiskMode;
}

export interface RiskDecisionRecord {
  id: string;
  customerId: string | null;
  operation: RiskOperation;
  /** What was applied: the strongest enforced outcome, `allow` when only observed rules fired. */
  outcome: RiskOutcome;
  /** The enforced rule that decided (null: none enforced). */
  rule: string | null;
  score: number;
  signals: RiskSignal[];
  fired: FiredRule[];
  address: string;
  /** The held order or withdrawal, when the decision held one. */
  holdId: string | null;
  at: number;
}

export type HoldStatus = 'held' | 'released' | 'rejected';

/** A held order or withdrawal: the request as it was made, waiting for the customer's passkey or an operator. */
export interface RiskHoldRecord {
  id: string;
  customerId: string;
  kind: 'order' | 'withdrawal';
  /** The request's content (symbol, side, quantity / amount) and its idempotency key. */
  request: Record<string, unknown>;
  idempotencyKey: string;
  decisionId: string;
  rule: string;
  status: HoldStatus;
  createdAt: number;
  resolvedAt: number | null;
  /** Who resolved it: `customer` (passkey) or the operator's actor name. */
  resolvedBy: string | null;
  /** What the released movement came to (its view or refusal code), for the operator. */
  result: Record<string, unknown> | null;
}

export interface RiskDecisionQuery {
  customerId?: string;
  rule?: string;
  operation?: RiskOperation;
  limit: number;
  before?: number;
}

export interface RiskStore {
  insertDecision(decision: RiskDecisionRecord): Promise<void>;
  listDecisions(query: RiskDecisionQuery): Promise<RiskDecisionRecord[]>;
  findDecision(id: string): Promise<RiskDecisionRecord | undefined>;
  insertHold(hold: RiskHoldRecord): Promise<void>;
  findHold(id: string): Promise<RiskHoldRecord | undefined>;
  findHoldByKey(customerId: string, idempotencyKey: string): Promise<RiskHoldRecord | undefined>;
  listHolds(query: { status?: HoldStatus; customerId?: string; limit: number }): Promise<RiskHoldRecord[]>;
  /** held → released/rejected; exactly one concurrent caller wins (a conditional UPDATE). */
  resolveHold(id: string, to: 'released' | 'rejected', by: string, now: number): Promise<RiskHoldRecord | undefined>;
  /** The outcome of a released hold's movement, written after it ran. */
  setHoldResult(id: string, result: Record<string, unknown>): Promise<void>;
}
