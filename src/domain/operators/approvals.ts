import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { queueNotice, withinTransaction } from '../kernel/notices.js';
import type { ApprovalRecord, ApprovalStatus } from '../kernel/operator-store.js';
import type { CustomerRecord, OperatorRole } from '../kernel/types.js';
import type { OperatorCaller } from './operators.js';

// Four eyes: a dangerous action is first a request (a kind, a customer, a payload, a reason), and runs only
// when a second operator with a role the kind admits approves it before it expires. The requester can
// never approve their own request (checked in the same statement that decides it). A kind says what it
// does in APPROVAL_KINDS (desk-actions.ts): the action registered for it runs with the approver as actor.

export interface ApprovalKind {
  /** The roles that may approve (the roles that may request are the route's). */
  approverRoles: readonly OperatorRole[];
  /** What the customer reads in the notice of the request (`desk_request`); none: not told at request. */
  notice?: { ja: string; en: string };
  /** The payload as the kind wants it, or why not (checked at request). */
  check(deps: Deps, customer: CustomerRecord | undefined, payload: Record<string, unknown>): Failure | undefined;
  /** The action, run once the request is approved; its answer is kept with the request. */
  execute(deps: Deps, request: ApprovalRecord, customer: CustomerRecord | undefined, actor: string): Promise<Record<string, unknown> | Failure>;
}

export type ApprovalKinds = Readonly<Record<string, ApprovalKind>>;

export function viewApproval(a: ApprovalRecord, now: number) {
  return {
    id: a.id,
    kind: a.kind,
    status: a.status === 'pending' && a.expiresAt <= now ? 'expired' : a.status,
    payload: a.payload,
    reason: a.reason,
    requestedBy: a.requestedByActor,
    requestedAt: new Date(a.requestedAt).toISOString(),
    expiresAt: new Date(a.expiresAt).toISOString(),
    decidedBy: a.decidedByActor,
    decidedAt: a.decidedAt === null ? null : new Date(a.decidedAt).toISOString(),
    outcome: a.outcome,
  };
}
export type ApprovalView = ReturnType<typeof viewApproval>;

/** A new request, audited and (when the kind says so) told to the customer, in one transaction. */
export async function requestApproval(
  deps: Deps,
  kinds: ApprovalKinds,
  caller: OperatorCaller,
  input: { kind: string; customer?: CustomerRecord; payload: Record<string, unknown>; reason: string },
): Promise<ApprovalView | Failure> {
  const kind = kinds[input.kind];
  if (!kind) return fail('invalid_request', { field: 'kind', reason: `unknown kind (known: ${Object.keys(kinds).join(', ')})` });
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 500) return fail('invalid_request', { field: 'reason', reason: '1-500 characters' });
  const invalid = kind.check(deps, input.customer, input.payload);
  if (invalid) return invalid;
  const now = deps.clock.now();
  const request: ApprovalRecord = {
    id: newId(deps.random, 12),
    kind: input.kind,
    customerId: input.customer?.id ?? null,
    payload: input.payload,
    reason,
    status: 'pending',
    requestedBy: caller.id,
    requestedByActor: caller.actor,
    requestedAt: now,
    expiresAt: now + deps.policy.approvalTtlMs,
    decidedBy: null,
    decidedByActor: null,
    decidedAt: null,
    outcome: null,
  };
  await withinTransaction(deps, async (deps) => {
    await deps.store.operators.insertApproval(request);
    await recordAudit(deps, request.customerId, 'approval_requested', { approval: request.id, kind: request.kind, payload: request.payload, reason }, caller.actor);
    if (input.customer && kind.notice) await queueNotice(deps, input.customer, 'desk_request', { action_ja: kind.notice.ja, action_en: kind.notice.en });
  });
  return viewApproval(request, now);
}

/** Why a request cannot be decided by this caller now, read from the row (the decision itself is atomic). */
function refusal(request: ApprovalRecord, caller: OperatorCaller, now: number): Failure | undefined {
  if (request.requestedBy === caller.id) return fail('approval_by_requester');
  if (request.status !== 'pending') return fail('approval_decided', { status: request.status });
  if (request.expiresAt <= now) return fail('approval_expired');
  return undefined;
}

/** The second pair of eyes: approved, the kind's action runs with the approver as its actor. */
export async function approveRequest(deps: Deps, kinds: ApprovalKinds, caller: OperatorCaller, id: string): Promise<ApprovalView | Failure> {
  const request = await deps.store.operators.findApproval(id);
  if (!request) return fail('not_found');
  const kind = kinds[request.kind];
  if (!kind) return fail('not_found');
  if (!kind.approverRoles.some((role) => caller.roles.includes(role))) return fail('forbidden');
  const now = deps.clock.now();
  const refused = refusal(request, caller, now);
  if (refused) {
    await recordAudit(deps, request.customerId, 'approval_refused', { approval: id, kind: request.kind, reason: refused.code }, caller.actor);
    return refused;
  }
  if (!(await deps.store.operators.decideApproval(id, { to: 'approved', by: caller.id, actor: caller.actor, now }))) {
    const again = await deps.store.operators.findApproval(id);
    return (again && refusal(again, caller, now)) ?? fail('approval_decided', { status: again?.status ?? 'unknown' });
  }
  await recordAudit(deps, request.customerId, 'approval_approved', { approval: id, kind: request.kind, requestedBy: request.requestedByActor }, caller.actor);
  const customer = request.customerId ? await deps.store.customers.findById(request.customerId) : undefined;
  const result = await executeApproved(deps, kind, request, customer, caller.actor);
  await deps.store.operators.recordOutcome(id, result);
  const decided = { ...request, status: 'approved' as ApprovalStatus, decidedBy: caller.id, decidedByActor: caller.actor, decidedAt: now, outcome: result };
  return viewApproval(decided, now);
}

async function executeApproved(deps: Deps, kind: ApprovalKind, request: ApprovalRecord, customer: CustomerRecord | undefined, actor: string): Promise<Record<string, unknown>> {
  try {
    const result = await kind.execute(deps, request, customer, actor);
    return isFailure(result) ? { error: result.code } : { done: true, ...result };
  } catch (error) {
    deps.logger.error({ err: error, approval: request.id }, 'an approved action failed');
    return { error: 'internal_error' };
  }
}

/** Runs a kind's action at once, without a second operator: the bootstrap token in development and test only. */
export async function executeWithoutApproval(deps: Deps, kinds: ApprovalKinds, caller: OperatorCaller, kindName: string, customer: CustomerRecord | undefined, payload: Record<string, unknown>): Promise<Record<string, unknown> | Failure> {
  const kind = kinds[kindName];
  if (!kind || !caller.bypassesFourEyes) return fail('forbidden');
  const invalid = kind.check(deps, customer, payload);
  if (invalid) return invalid;
  const now = deps.clock.now();
  const request: ApprovalRecord = {
    id: `bypass-${newId(deps.random, 9)}`,
    kind: kindName,
    customerId: customer?.id ?? null,
    payload,
    reason: 'four eyes bypassed (bootstrap token, development/test)',
    status: 'approved',
    requestedBy: caller.id,
    requestedByActor: caller.actor,
    requestedAt: now,
    expiresAt: now,
    decidedBy: caller.id,
    decidedByActor: caller.actor,
    decidedAt: now,
    outcome: null,
  };
  return kind.execute(deps, request, customer, caller.actor);
}

export async function rejectRequest(deps: Deps, caller: OperatorCaller, id: string): Promise<ApprovalView | Failure> {
  const request = await deps.store.operators.findApproval(id);
  if (!request) return fail('not_found');
  const now = deps.clock.now();
  // The requester may withdraw their own request; anyone else rejecting it is a decision.
  if (request.status !== 'pending') return fail('approval_decided', { status: request.status });
  if (request.expiresAt <= now) return fail('approval_expired');
  const by = request.requestedBy === caller.id ? `${caller.id}#withdrawn` : caller.id;
  if (!(await deps.store.operators.decideApproval(id, { to: 'rejected', by, actor: caller.actor, now }))) return fail('approval_decided', { status: 'unknown' });
  await recordAudit(deps, request.customerId, 'approval_rejected', { approval: id, kind: request.kind, requestedBy: request.requestedByActor }, caller.actor);
  return viewApproval({ ...request, status: 'rejected', decidedBy: by, decidedByActor: caller.actor, decidedAt: now }, now);
}

export async function listApprovals(deps: Pick<Deps, 'store' | 'clock'>, filter: { status?: ApprovalStatus; customerId?: string }) {
  const now = deps.clock.now();
  const rows = await deps.store.operators.listApprovals({ ...filter, limit: 100 });
  return rows.map((r) => viewApproval(r, now));
}
