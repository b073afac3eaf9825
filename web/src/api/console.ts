import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';

// The console's calls (docs/operators.md): same-origin JSON with the console cookie. Its own small client:
// a 401 here ends the operator's console session, not the customer portal's.

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) throw new ConsoleError(response.status, json.message ?? json.error ?? String(response.status));
  return json as T;
}

export interface Me {
  actor: string;
  roles: string[];
  operator: { name: string; email: string } | null;
}
export interface Match {
  loginId: string;
  name: string;
  email: string;
  phone: string | null;
}
export interface Approval {
  id: string;
  kind: string;
  status: string;
  reason: string;
  requestedBy: string;
  decidedBy: string | null;
  expiresAt: string;
}

/** Shown when the case does not say (no time yet, no address). */
type When = string | null;
/** GET /api/admin/v1/customers/{loginId}/case, mirroring src/domain/operators/customer-case.ts (the OpenAPI document leaves it untyped). */
export interface CaseFile {
  customer: Match & { masked: boolean; createdAt: When };
  factors: {
    mfaMethod: 'none' | 'sms' | 'totp' | 'passkey';
    mfaScope: 'login' | 'all';
    phoneVerified: boolean;
    totp: boolean;
    passkeys: Array<{ name: string; createdAt: When; lastUsedAt: When }>;
    recoveryCodes: { remaining: number; total: number };
    passkeyRequiredFrom: When;
  };
  locks: { loginLockedUntil: When; failedLogins: number; tradingLockedUntil: When; factorLocked: boolean };
  sessions: Array<{ id: string; createdAt: When; lastSeenAt: When; address: string; userAgent: string }>;
  devices: Array<{ firstSeenAt: When; lastSeenAt: When }>;
  notices: Array<{ kind: string; status: string; createdAt: When; sentAt: When }>;
  logins: Array<{ at: When; result: string; address: string; userAgent: string }>;
  security: Array<{ seq: number; at: string; actor: string; action: string; detail: Record<string, unknown>; hash: string }>;
  approvals: Array<Approval & { requestedAt: string; decidedAt: When; payload: Record<string, unknown>; outcome: Record<string, unknown> | null }>;
  freezes: {
    withdrawals: { frozen: boolean; since: When };
    orders: { frozen: boolean; since: When };
    signIn: { frozen: boolean; since: When };
    withdrawalsHeldUntil: When;
    liftWithPasskey: boolean;
  };
  riskDecisions: Array<{ at: When; operation: string; outcome: string; rule: string | null; score: number; address: string; holdId: string | null; fired: Array<{ rule: string; outcome: string; mode: string }> }>;
  holds: Array<{ id: string; kind: string; status: string; rule: string; request: Record<string, unknown>; createdAt: When; resolvedAt: When; resolvedBy: string | null }>;
}

export const fetchOperator = () => call<Me>('GET', '/api/admin/v1/me');

export async function operatorSignIn(): Promise<void> {
  const options = await call<PublicKeyCredentialRequestOptionsJSON>('POST', '/api/console/passkey-options', {});
  const response = await startAuthentication({ optionsJSON: options });
  await call('POST', '/api/console/sign-in', { response });
}

export async function operatorEnrol(code: string): Promise<void> {
  const options = await call<PublicKeyCredentialCreationOptionsJSON>('POST', '/api/console/enrolment/options', { code });
  const response = await startRegistration({ optionsJSON: options });
  await call('POST', '/api/console/enrolment', { code, response });
}

export const operatorSignOut = () => call<void>('POST', '/api/console/sign-out', {});
export const searchCustomers = (q: string) => call<{ customers: Match[] }>('GET', `/api/admin/v1/customers?q=${encodeURIComponent(q)}`);
export const fetchCase = (loginId: string) => call<CaseFile>('GET', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/case`);
export const revealCustomer = (loginId: string, reason: string) => call<Match>('POST', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/reveal`, { reason });
export const requestMfaReset = (loginId: string, reason: string) => call<{ approval: Approval }>('POST', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/mfa/reset`, { reason });
export const requestUnfreeze = (loginId: string, levels: string[], reason: string, identityCheck: string) =>
  call<{ approval: Approval }>('POST', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/unfreeze`, { levels, reason, identityCheck });
export const fetchApprovals = () => call<{ approvals: Approval[] }>('GET', '/api/admin/v1/approvals');
export const approve = (id: string) => call<Approval>('POST', `/api/admin/v1/approvals/${encodeURIComponent(id)}/approve`, {});
export const reject = (id: string) => call<Approval>('POST', `/api/admin/v1/approvals/${encodeURIComponent(id)}/reject`, {});
export const fetchMigration = () => call<{ now: Record<string, number>; history: Array<Record<string, number | string>>; cohorts: Array<{ id: string; name: string; bucketFrom: number; bucketTo: number; dueAt: string }> }>('GET', '/api/admin/v1/migration');
export const verifyAudit = () => call<{ intact: boolean; entries: number; brokenAt?: number }>('GET', '/api/admin/v1/audit/verify');
