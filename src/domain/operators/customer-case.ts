import type { Deps } from '../kernel/context.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { last4, parseDomesticPhone } from '../kernel/phone-numbers.js';
import type { CustomerMatch } from '../kernel/operator-store.js';
import type { CustomerRecord } from '../kernel/types.js';
import { summariseFactors } from '../factors/summary.js';
import { passkeyDueAt } from '../factors/phishing-resistance.js';
import { auditTrail } from '../customers/audit-trail.js';
import { viewFreeze } from '../protection/freeze.js';
import { listApprovals } from './approvals.js';
import type { OperatorCaller } from './operators.js';

// The desk's view of customers: a search by login ID, name, phone or e-mail, masked by default; the
// personal data revealed only with a reason, which is audited; and a customer's case file.

export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '＊' : `${chars[0]}${'＊'.repeat(Math.min(chars.length - 1, 6))}`;
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export function viewMatch(match: CustomerMatch, revealed = false) {
  return {
    loginId: match.loginId,
    name: revealed ? match.name : maskName(match.name),
    email: revealed ? match.email : maskEmail(match.email),
    phone: match.phone === null ? null : revealed ? match.phone : `***${last4(match.phone)}`,
    masked: !revealed,
  };
}

export async function searchCustomers(deps: Pick<Deps, 'store'>, query: string) {
  const text = query.trim();
  if (text.length < 2) return fail('invalid_request', { field: 'q', reason: 'at least 2 characters' });
  const phone = /^[+0-9 ()-]{8,}$/.test(text) ? parseDomesticPhone(text) : undefined;
  const matches = await deps.store.operators.searchCustomers({ text, phone: phone && !isFailure(phone) ? phone.e164 : undefined }, 20);
  return { customers: matches.map((m) => viewMatch(m)) };
}

/** The personal data unmasked, for one customer, with the reason in the audit trail. */
export async function revealCustomer(deps: Pick<Deps, 'store' | 'clock'>, caller: OperatorCaller, customer: CustomerRecord, reason: string): Promise<ReturnType<typeof viewMatch> & { address: string | null } | Failure> {
  const why = reason.trim();
  if (why.length < 3 || why.length > 500) return fail('invalid_request', { field: 'reason', reason: '3-500 characters' });
  await recordAudit(deps, customer.id, 'customer_data_revealed', { reason: why }, caller.actor);
  return { ...viewMatch(customer, true), address: customer.address };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Everything the desk needs on one customer, masked: factors, locks, freezes, sessions, devices, notices,
 * sign-ins, the security history, the risk engine's decisions and what it holds, and the approvals.
 */
export async function customerCase(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customer: CustomerRecord) {
  const now = deps.clock.now();
  const [factors, passkeys, sessions, devices, notices, logins, audit, approvals, cohorts, freeze, decisions, holds] = await Promise.all([
    summariseFactors(deps, customer.id),
    deps.store.factors.listPasskeys(customer.id),
    deps.store.operators.listCustomerSessions(customer.id),
    deps.store.operators.listKnownDevices(customer.id),
    deps.store.operators.listNoticesTo(customer.email, 20),
    deps.store.loginEvents.list(customer.id, 20),
    auditTrail(deps, customer.id, { limit: 20 }),
    listApprovals(deps, { customerId: customer.id }),
    deps.store.operators.listCohorts(),
    viewFreeze(deps, customer),
    deps.store.risk.listDecisions({ customerId: customer.id, limit: 20 }),
    deps.store.risk.listHolds({ customerId: customer.id, limit: 20 }),
  ]);
  const due = passkeyDueAt(cohorts, customer.id);
  return {
    customer: { ...viewMatch(customer), createdAt: iso(customer.createdAt) },
    factors: {
      mfaMethod: customer.mfaMethod,
      mfaScope: customer.mfaScope,
      phoneVerified: customer.phoneVerified,
      totp: factors.totp,
      passkeys: passkeys.map((p) => ({ name: p.name, createdAt: iso(p.createdAt), lastUsedAt: iso(p.lastUsedAt) })),
      recoveryCodes: factors.recoveryCodes,
      passkeyRequiredFrom: due === undefined ? null : iso(due),
    },
    locks: {
      loginLockedUntil: customer.lockedUntil !== null && customer.lockedUntil > now ? iso(customer.lockedUntil) : null,
      failedLogins: customer.failedLogins,
      tradingLockedUntil: customer.tradingLockedUntil !== null && customer.tradingLockedUntil > now ? iso(customer.tradingLockedUntil) : null,
      factorLocked: customer.factorLocked,
    },
    sessions: sessions.map((s) => ({ id: s.id, createdAt: iso(s.createdAt), lastSeenAt: iso(s.lastSeenAt), address: s.address, userAgent: s.userAgent.slice(0, 120) })),
    devices: devices.map((d) => ({ firstSeenAt: iso(d.firstSeenAt), lastSeenAt: iso(d.lastSeenAt) })),
    notices: notices.map((n) => ({ kind: n.kind, status: n.status, createdAt: iso(n.createdAt), sentAt: iso(n.sentAt) })),
    logins: logins.map((e) => ({ at: iso(e.at), result: e.result, address: e.address, userAgent: e.userAgent.slice(0, 120) })),
    security: audit,
    approvals,
    freezes: freeze,
    riskDecisions: decisions.map((d) => ({ at: iso(d.at), operation: d.operation, outcome: d.outcome, rule: d.rule, score: d.score, address: d.address, holdId: d.holdId, fired: d.fired })),
    holds: holds.map((h) => ({ id: h.id, kind: h.kind, status: h.status, rule: h.rule, request: h.request, createdAt: iso(h.createdAt), resolvedAt: iso(h.resolvedAt), resolvedBy: h.resolvedBy })),
  };
}
