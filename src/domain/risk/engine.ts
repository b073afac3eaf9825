import type { Deps } from '../kernel/context.js';
import { sortableId } from '../kernel/crypto.js';
import { recordAudit } from '../kernel/audit.js';
import type { RiskPolicy } from '../kernel/risk-policy.js';
import type { FiredRule, RiskDecisionRecord, RiskOperation, RiskOutcome, RiskSignal } from '../kernel/risk-store.js';

// Signals in, one decision out: every rule of the operation is tried; the strongest enforced outcome is
// applied, observed rules are recorded and counted (shadow mode). The decision keeps its score, the
// signals with their points and every rule that fired, so an operator reads why (admin API).

const STRENGTH: Record<RiskOutcome, number> = { allow: 0, step_up: 1, hold: 2, refuse: 3 };

/** A signal with the points its weight gives it. */
export function signal(policy: RiskPolicy, name: string, value: RiskSignal['value'], detail?: string): RiskSignal {
  return { name, value, points: policy.weights[name] ?? 0, ...(detail ? { detail } : {}) };
}

export interface Evaluation {
  outcome: RiskOutcome;
  rule: string | null;
  score: number;
  fired: FiredRule[];
}

export function evaluate(policy: RiskPolicy, operation: RiskOperation, signals: readonly RiskSignal[]): Evaluation {
  const score = signals.reduce((sum, s) => sum + s.points, 0);
  const present = new Set(signals.map((s) => s.name));
  const fired: FiredRule[] = [];
  for (const rule of policy.rules) {
    if (rule.operation !== operation) continue;
    if (rule.minScore !== undefined && score < rule.minScore) continue;
    if (rule.allSignals && !rule.allSignals.every((name) => present.has(name))) continue;
    if (rule.anySignals && rule.anySignals.length > 0 && !rule.anySignals.some((name) => present.has(name))) continue;
    fired.push({ rule: rule.id, outcome: rule.outcome, mode: rule.mode });
  }
  let applied: FiredRule | undefined;
  for (const f of fired) if (f.mode === 'enforce' && (!applied || STRENGTH[f.outcome] > STRENGTH[applied.outcome])) applied = f;
  return { outcome: applied?.outcome ?? 'allow', rule: applied?.rule ?? null, score, fired };
}

export function newDecision(deps: Pick<Deps, 'clock' | 'random'>, input: { operation: RiskOperation; customerId: string | null; address: string; signals: RiskSignal[] }, evaluation: Evaluation): RiskDecisionRecord {
  const at = deps.clock.now();
  return { id: sortableId(at, deps.random), ...input, outcome: evaluation.outcome, rule: evaluation.rule, score: evaluation.score, fired: evaluation.fired, holdId: null, at };
}

/** Counted per rule, mode and outcome: an observed rule shows what enforcing it would do. */
export function countDecision(deps: Pick<Deps, 'events'>, decision: Pick<RiskDecisionRecord, 'fired' | 'outcome'>): void {
  if (decision.fired.length === 0) deps.events.riskDecision('none', 'enforce', 'allow');
  for (const f of decision.fired) deps.events.riskDecision(f.rule, f.mode, f.outcome);
}

/**
 * Kept, with its audit entry (in the caller's transaction, when there is one), when a rule fired; an
 * allow where nothing fired is only counted: a sign-in pays no write for being ordinary.
 */
export async function recordDecision(deps: Pick<Deps, 'store' | 'clock'>, decision: RiskDecisionRecord): Promise<void> {
  if (decision.fired.length === 0) return;
  await deps.store.risk.insertDecision(decision);
  await recordAudit(
    deps,
    decision.customerId,
    'risk_decision',
    {
      decisionId: decision.id,
      operation: decision.operation,
      outcome: decision.outcome,
      rule: decision.rule,
      score: decision.score,
      fired: decision.fired.map((f) => `${f.rule}:${f.mode}:${f.outcome}`),
      signals: decision.signals.map((s) => `${s.name}=${String(s.value)}(+${s.points})`),
      ...(decision.holdId ? { holdId: decision.holdId } : {}),
    },
    'system',
  );
}
