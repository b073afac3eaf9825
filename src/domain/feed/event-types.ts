import type { AuditEntry } from '../kernel/types.js';

// The signed event feed is DERIVED from the audit chain (docs/events.md): every sensitive change is
// already audited in the transaction of the change, so an event cannot be written without its change
// nor a change without its event, and the chain's sequence number is the feed's cursor (assigned under
// the chain head's row lock: in commit order, with no gaps a reader could step over).
//
// THE TABLE: audit action → public event type. Adding an event type is ONE line here:
//   <audit action>: { type: '<noun>.<past participle>', fields: [<detail fields made public>], set?: {<constants>} },
// Only the listed `fields` of the audit entry's detail leave Kabuto (a whitelist: a detail field added
// later stays private until named here). Never list a secret, a code, a full phone number or e-mail
// address: the audit entries hold the last 4 digits of a phone and no address.

export interface EventType {
  /** The public type (Standard Webhooks `type`). */
  readonly type: string;
  /** The audit detail's fields that go into the event's data. */
  readonly fields: readonly string[];
  /** Constants added to the data (which lock, which factor). */
  readonly set?: Readonly<Record<string, string>>;
}

export const EVENT_TYPES: Readonly<Record<string, EventType>> = {
  signed_in: { type: 'customer.signed_in', fields: ['address'] },
  sign_in_failed: { type: 'customer.sign_in_failed', fields: ['result', 'address'] },
  signed_out: { type: 'session.ended', fields: ['reason'] },
  login_locked: { type: 'customer.locked', fields: ['until'], set: { lock: 'login' } },
  trading_locked: { type: 'customer.locked', fields: ['until'], set: { lock: 'trading' } },
  factor_locked: { type: 'customer.locked', fields: [], set: { lock: 'second_factor' } },
  unlocked: { type: 'customer.unlocked', fields: [] },
  customer_created: { type: 'customer.created', fields: [] },
  password_changed: { type: 'password.changed', fields: [], set: { password: 'login' } },
  trading_password_changed: { type: 'password.changed', fields: [], set: { password: 'trading' } },
  mfa_changed: { type: 'factor.changed', fields: ["from", 'to'], set: { factor: 'mfa_settings', change: 'settings' } },
  mfa_reset: { type: 'factor.changed', fields: ['previous'], set: { factor: 'mfa_settings', change: 'reset' } },
  totp_enrolled: { type: 'factor.changed', fields: [], set: { factor: 'totp', change: 'added' } },
  passkey_added: { type: 'factor.changed', fields: ['passkey'], set: { factor: 'passkey', change: 'added' } },
  passkey_removed: { type: 'factor.changed', fields: ['passkey'], set: { factor: 'passkey', change: 'removed' } },
  recovery_codes_generated: { type: 'factor.changed', fields: ['count'], set: { factor: 'recovery_codes', change: 'regenerated' } },
  recovery_code_used: { type: 'factor.used', fields: ['remaining'], set: { factor: 'recovery_code' } },
  passkey_counter_regression: { type: 'factor.clone_suspected', fields: ['passkey'], set: { factor: 'passkey' } },
  phone_changed: { type: 'contact.changed', fields: ["from", 'to', 'type'], set: { contact: 'phone' } },
  profile_changed: { type: 'contact.changed', fields: ['fields', 'bankAccountLast4'], set: { contact: 'registration' } },
  step_up_approved: { type: 'step_up.approved', fields: ['purpose'] },
  withdrawal_requested: { type: 'withdrawal.requested', fields: ['id', 'amount', 'status'] },
  withdrawal_cancelled: { type: 'withdrawal.cancelled', fields: ['id', 'amount'] },
  webhook_changed: { type: 'webhook.changed', fields: ['endpoint', 'change'] },
  // The customer's own defences (issue 16: rooms protection, recovery, sessions, settings). An operator's
  // reason and identity check for a lift stay private (free text).
  account_frozen: { type: 'freeze.changed', fields: ['levels', 'source'], set: { change: 'frozen' } },
  account_unfrozen: { type: 'freeze.changed', fields: ['levels', 'by'], set: { change: 'lifted' } },
  not_me_reported: { type: 'customer.not_me_reported', fields: ['via', 'devicesUntrusted'] },
  password_recovered: { type: 'password.changed', fields: ['by'], set: { password: 'login', change: 'recovered' } },
  session_ended: { type: 'session.ended', fields: ['address'], set: { reason: 'ended_by_customer' } },
  other_sessions_ended: { type: 'session.ended', fields: [], set: { reason: 'others_ended_by_customer' } },
  device_removed: { type: 'device.removed', fields: ['address'] },
  email_change_requested: { type: 'contact.change_requested', fields: [], set: { contact: 'email' } },
  notice_preferences_changed: { type: 'settings.changed', fields: ['everySignIn'], set: { setting: 'sign_in_notices' } },
  // The risk engine (room risk, docs/risk.md): a decision where a rule fired, a held request resolved, an alert.
  risk_decision: { type: 'risk.decided', fields: ['decisionId', 'operation', 'outcome', 'rule', 'score', 'holdId'] },
  risk_hold_released: { type: 'risk_hold.resolved', fields: ['holdId', 'kind', 'decisionId', 'rule'], set: { resolution: 'released' } },
  risk_hold_rejected: { type: 'risk_hold.resolved', fields: ['holdId', 'kind', 'decisionId', 'rule'], set: { resolution: 'rejected' } },
  risk_alert: { type: 'risk.alerted', fields: ['kind', 'network', 'failures', 'windowMinutes'] },
  // The OpenID Provider (room federation, docs/oidc.md): approvals for relying parties, clients, signing keys.
  oidc_withdrawal_approved: { type: 'approval.granted', fields: ['clientId', 'amount', 'bankAccountLast4'], set: { operation: 'withdrawal' } },
  oidc_approval_redeemed: { type: 'approval.redeemed', fields: ['clientId', 'amount'], set: { operation: 'withdrawal' } },
  oidc_client_registered: { type: 'relying_party.changed', fields: ['clientId', 'name', 'authMethod'], set: { change: 'registered' } },
  oidc_client_removed: { type: 'relying_party.changed', fields: ['clientId'], set: { change: 'removed' } },
  oidc_signing_key_rotated: { type: 'signing_key.rotated', fields: ['kid', 'activatesAt'] },
  oidc_logout_revived: { type: 'relying_party.logout_notice', fields: ['notice'], set: { change: 'revived' } },
  oidc_logout_dropped: { type: 'relying_party.logout_notice', fields: ['notice'], set: { change: 'dropped' } },
  // The back office (src/domain/operators, docs/operators.md). `actor` names the operator or service;
  // a reason typed by an operator stays private (it may quote the customer).
  bank_account_changed_by_desk: { type: 'contact.changed', fields: ['accountLast4'], set: { contact: 'bank_account', by: 'desk' } },
  customer_data_revealed: { type: 'customer.data_revealed', fields: [] },
  approval_requested: { type: 'approval.requested', fields: ['approval', 'kind'] },
  approval_approved: { type: 'approval.decided', fields: ['approval', 'kind', 'requestedBy'], set: { decision: 'approved' } },
  approval_rejected: { type: 'approval.decided', fields: ['approval', 'kind', 'requestedBy'], set: { decision: 'rejected' } },
  approval_refused: { type: 'approval.refused', fields: ['approval', 'kind', 'reason'] },
  operator_created: { type: 'operator.changed', fields: ['operator', 'roles'], set: { change: 'created' } },
  operator_disabled: { type: 'operator.changed', fields: ['operator'], set: { change: 'disabled' } },
  operator_enrolment_code_issued: { type: 'operator.changed', fields: ['operator'], set: { change: 'enrolment_code_issued' } },
  operator_passkey_registered: { type: 'operator.changed', fields: ['operator'], set: { change: 'passkey_registered' } },
  operator_signed_in: { type: 'operator.signed_in', fields: ['operator', 'address'] },
  operator_sign_in_refused: { type: 'operator.sign_in_failed', fields: ['operator', 'reason'] },
  service_token_created: { type: 'service_token.changed', fields: ['token', 'name', 'roles', 'expiresAt'], set: { change: 'created' } },
  service_token_revoked: { type: 'service_token.changed', fields: ['token'], set: { change: 'revoked' } },
  passkey_cohort_created: { type: 'migration.cohort_changed', fields: ['cohort', 'name', 'dueAt'], set: { change: 'created' } },
  passkey_cohort_deleted: { type: 'migration.cohort_changed', fields: ['cohort'], set: { change: 'deleted' } },
};

/** Every public type, once (the admin API's and the CLI's `--events` are checked against it). */
export const PUBLIC_TYPES: readonly string[] = [...new Set(Object.values(EVENT_TYPES).map((t) => t.type))].sort();

/** The audit actions whose entries are events. */
export const FEED_ACTIONS: readonly string[] = Object.keys(EVENT_TYPES);

export interface FeedEvent {
  /** Stable across retries and endpoints: the receiver's deduplication key (`webhook-id`). */
  id: string;
  /** Where a SIEM reader resumes (`?after=`): the audit sequence number. */
  cursor: string;
  type: string;
  /** When the change happened (ISO 8601). */
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * The public event of an audit entry, or undefined when its action is not in the table. The id holds the
 * entry's hash as well as its sequence number: a database restored from a backup reuses sequence numbers
 * for other events, and a receiver deduplicating by id must not drop those.
 */
export function eventOf(entry: AuditEntry): FeedEvent | undefined {
  const kind = EVENT_TYPES[entry.action];
  if (!kind) return undefined;
  const data: Record<string, unknown> = { customer: entry.customerId, actor: entry.actor };
  for (const field of kind.fields) if (entry.detail[field] !== undefined) data[field] = entry.detail[field];
  Object.assign(data, kind.set);
  return { id: `evt_${entry.seq}_${entry.hash.slice(0, 12)}`, cursor: String(entry.seq), type: kind.type, timestamp: new Date(entry.at).toISOString(), data };
}

/** The body of a delivery (Standard Webhooks: `type`, `timestamp`, `data`; plus `id` and `cursor`). */
export function payloadOf(event: FeedEvent): string {
  return JSON.stringify({ id: event.id, cursor: event.cursor, type: event.type, timestamp: event.timestamp, data: event.data });
}
