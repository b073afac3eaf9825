import { createHash, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../kernel/context.js';
import { hmacHex, newId } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import type { OperatorRecord } from '../kernel/operator-store.js';
import { OPERATOR_ROLES, type OperatorRole } from '../kernel/types.js';

// Operators as people: each has an account, roles, and passkeys (registered with a one-time enrolment
// code the CLI prints). Who calls the back office is an `OperatorCaller`, whichever way they came in.

/** The caller of an admin route: an operator signed in to the console, a service's token, or the bootstrap token. */
export interface OperatorCaller {
  kind: 'operator' | 'service' | 'bootstrap';
  /** The identity four eyes compare: `operator:<id>`, `service:<id>`, `bootstrap`. */
  id: string;
  /** How audit entries name the caller: `operator:<e-mail>`, `service:<name>`, `admin` (the bootstrap token). */
  actor: string;
  roles: readonly OperatorRole[];
  operatorId?: string;
  /** The bootstrap token in development and test: four eyes are bypassed (docs/operators.md). */
  bypassesFourEyes?: boolean;
}

export const ENROLMENT_TTL_MS = 24 * 3600_000;

export function parseRoles(text: string): OperatorRole[] | Failure {
  const roles = [...new Set(text.split(',').map((r) => r.trim()).filter(Boolean))];
  if (roles.length === 0) return fail('invalid_request', { field: 'roles', reason: `one or more of ${OPERATOR_ROLES.join(', ')}` });
  for (const role of roles) if (!(OPERATOR_ROLES as readonly string[]).includes(role)) return fail('invalid_request', { field: 'roles', reason: `unknown role "${role}" (known: ${OPERATOR_ROLES.join(', ')})` });
  return roles as OperatorRole[];
}

export function operatorActor(operator: Pick<OperatorRecord, 'email'>): string {
  return `operator:${operator.email}`;
}

export function callerOfOperator(operator: OperatorRecord): OperatorCaller {
  return { kind: 'operator', id: `operator:${operator.id}`, actor: operatorActor(operator), roles: operator.roles, operatorId: operator.id };
}

export function enrolmentCodeHash(deps: Pick<Deps, 'secrets'>, code: string): string {
  return hmacHex(deps.secrets.codeKey, `operator-enrolment:${code.trim().toUpperCase()}`);
}

/** A new operator and the one-time code (printed once) with which they register their first passkey. */
export async function createOperator(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets'>,
  input: { email: string; name: string; roles: string },
  actor: string,
): Promise<{ operator: OperatorRecord; enrolmentCode: string } | Failure> {
  const roles = parseRoles(input.roles);
  if (!Array.isArray(roles)) return roles;
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) return fail('invalid_request', { field: 'email', reason: 'an e-mail address' });
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) return fail('invalid_request', { field: 'name', reason: '1-100 characters' });
  const operator: OperatorRecord = { id: newId(deps.random, 12), email, name, roles, createdAt: deps.clock.now(), disabledAt: null };
  if (!(await deps.store.operators.insertOperator(operator))) return fail('invalid_request', { field: 'email', reason: 'an operator with this e-mail exists' });
  await recordAudit(deps, null, 'operator_created', { operator: operatorActor(operator), roles }, actor);
  return { operator, enrolmentCode: await newEnrolmentCode(deps, operator, actor) };
}

/** A fresh one-time enrolment code for an operator (a new device, a lost one): valid 24 hours, used once. */
export async function newEnrolmentCode(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets'>, operator: OperatorRecord, actor: string): Promise<string> {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = deps.random.bytes(20);
  const raw = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  const code = `${raw.slice(0, 5)}-${raw.slice(5, 10)}-${raw.slice(10, 15)}-${raw.slice(15, 20)}`;
  const now = deps.clock.now();
  await deps.store.operators.insertEnrolment({ codeHash: enrolmentCodeHash(deps, code), operatorId: operator.id, expiresAt: now + ENROLMENT_TTL_MS });
  await recordAudit(deps, null, 'operator_enrolment_code_issued', { operator: operatorActor(operator) }, actor);
  return code;
}

/** Disabling an operator ends their console sessions at once. */
export async function disableOperator(deps: Pick<Deps, 'store' | 'clock'>, operator: OperatorRecord, actor: string): Promise<void> {
  await deps.store.operators.updateOperator(operator.id, { disabledAt: deps.clock.now() });
  await deps.store.operators.deleteSessionsOf(operator.id);
  await recordAudit(deps, null, 'operator_disabled', { operator: operatorActor(operator) }, actor);
}

export function viewOperator(operator: OperatorRecord) {
  return {
    id: operator.id,
    email: operator.email,
    name: operator.name,
    roles: operator.roles,
    createdAt: new Date(operator.createdAt).toISOString(),
    disabled: operator.disabledAt !== null,
  };
}

/** SHA-256 of a token's secret: tokens are random 256-bit values, so a plain hash is enough (no pepper needed). */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function tokenSecretMatches(storedHash: string, secret: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const presented = createHash('sha256').update(secret).digest();
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** Who the caller is, as the console's header shows it. */
export async function whoAmI(deps: Pick<Deps, 'store'>, caller: OperatorCaller) {
  const operator = caller.operatorId ? await deps.store.operators.findOperator(caller.operatorId) : undefined;
  return { actor: caller.actor, kind: caller.kind, roles: caller.roles, operator: operator ? viewOperator(operator) : null };
}

export async function listOperators(deps: Pick<Deps, 'store'>) {
  return { operators: (await deps.store.operators.listOperators()).map(viewOperator) };
}
