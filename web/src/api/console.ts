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
export const fetchCase = (loginId: string) => call<Record<string, any>>('GET', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/case`);
export const revealCustomer = (loginId: string, reason: string) => call<Match>('POST', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/reveal`, { reason });
export const requestMfaReset = (loginId: string, reason: string) => call<{ approval: Approval }>('POST', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/mfa/reset`, { reason });
export const requestUnfreeze = (loginId: string, levels: string[], reason: string, identityCheck: string) =>
  call<{ approval: Approval }>('POST', `/api/admin/v1/customers/${encodeURIComponent(loginId)}/unfreeze`, { levels, reason, identityCheck });
export const fetchApprovals = () => call<{ approvals: Approval[] }>('GET', '/api/admin/v1/approvals');
export const approve = (id: string) => call<Approval>('POST', `/api/admin/v1/approvals/${encodeURIComponent(id)}/approve`, {});
export const reject = (id: string) => call<Approval>('POST', `/api/admin/v1/approvals/${encodeURIComponent(id)}/reject`, {});
export const fetchMigration = () => call<{ now: Record<string, number>; history: Array<Record<string, number | string>>; cohorts: Array<{ id: string; name: string; bucketFrom: number; bucketTo: number; dueAt: string }> }>('GET', '/api/admin/v1/migration');
export const verifyAudit = () => call<{ intact: boolean; entries: number; brokenAt?: number }>('GET', '/api/admin/v1/audit/verify');
