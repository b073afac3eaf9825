import type { Deps } from '../kernel/context.js';
import type { HoldStatus, RiskDecisionRecord, RiskHoldRecord, RiskOperation } from '../kernel/risk-store.js';
import { riskPolicyOf } from './config.js';

// What operators read (admin API): each decision with its score, every signal with its points and
// detail, and every rule that fired with its mode and its reason. Customers read the plain reason only.

export function explainDecision(deps: Pick<Deps, 'policy'>, decision: RiskDecisionRecord) {
  const rules = new Map(riskPolicyOf(deps.policy).rules.map((r) => [r.id, r]));
  return {
    id: decision.id,
    at: new Date(decision.at).toISOString(),
    customerId: decision.customerId,
    operation: decision.operation,
    outcome: decision.outcome,
    rule: decision.rule,
    score: decision.score,
    address: decision.address,
    holdId: decision.holdId,
    signals: decision.signals.map((s) => ({ name: s.name, value: s.value, points: s.points, detail: s.detail ?? null })),
    fired: decision.fired.map((f) => ({ ...f, description: rules.get(f.rule)?.description ?? null })),
    explanation: explanationOf(decision),
  };
}

/** One sentence an operator reads first. */
function explanationOf(d: RiskDecisionRecord): string {
  const signals = d.signals.map((s) => `${s.name} (+${s.points}${s.detail ? `: ${s.detail}` : ''})`).join('; ') || 'no signal';
  const enforced = d.rule ? `${d.outcome} by ${d.rule}` : 'allowed (no enforced rule fired)';
  const observed = d.fired.filter((f) => f.mode === 'observe').map((f) => `${f.rule} would ${f.outcome}`);
  return `${enforced}; score ${d.score}; ${signals}${observed.length ? `; observed: ${observed.join(', ')}` : ''}`;
}

export async function listDecisions(deps: Pick<Deps, 'store' | 'policy'>, query: { customerId?: string; rule?: string; operation?: RiskOperation; limit: number }) {
  return (await deps.store.risk.listDecisions(query)).map((d) => explainDecision(deps, d));
}

export async function findDecision(deps: Pick<Deps, 'store' | 'policy'>, id: string) {
  const decision = await deps.store.risk.findDecision(id);
  return decision && explainDecision(deps, decision);
}

export function viewHoldForOperator(hold: RiskHoldRecord, decision: ReturnType<typeof explainDecision> | undefined) {
  const { requestHash: _hash, ...request } = hold.request;
  return {
    id: hold.id,
    customerId: hold.customerId,
    kind: hold.kind,
    request,
    status: hold.status,
    rule: hold.rule,
    heldAt: new Date(hold.createdAt).toISOString(),
    resolvedAt: hold.resolvedAt === null ? null : new Date(hold.resolvedAt).toISOString(),
    resolvedBy: hold.resolvedBy,
    result: hold.result,
    decision: decision ?? null,
  };
}

/** Held items (by status, customer), each with the decision that held it. */
export async function listHolds(deps: Pick<Deps, 'store' | 'policy'>, query: { status?: HoldStatus; customerId?: string; limit: number }) {
  const holds = await deps.store.risk.listHolds(query);
  return Promise.all(holds.map(async (h) => viewHoldForOperator(h, await findDecision(deps, h.decisionId))));
}

/** The policy in force, as declared (rules, thresholds, weights, hosting networks). */
export function viewPolicy(deps: Pick<Deps, 'policy'>) {
  return riskPolicyOf(deps.policy);
}
