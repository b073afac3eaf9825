// The success answers of the customer API, for the OpenAPI document only (completeDocument in
// openapi.ts puts them on operations that declare no response schema of their own). They are not
// given to the routes: a Fastify response schema also serialises, and would silently drop a field it
// does not list. test/ops/portal-api-types.test.ts checks real answers against them, and the portal's
// types (web/src/api/schema.ts, `npm run api-types`) are generated from them.

type Schema = Record<string, unknown>;

const string: Schema = { type: 'string' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const integer: Schema = { type: 'integer' };
const boolean: Schema = { type: 'boolean' };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
/** An object whose listed fields are all present unless named in `optional`. */
function object(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return { type: 'object', properties, required: Object.keys(properties).filter((name) => !optional.includes(name)) };
}

const mfaMethod: Schema = { type: 'string', enum: ['none', 'sms', 'totp', 'passkey'] };
const mfaScope: Schema = { type: 'string', enum: ['login', 'all'] };
const availability = object({ available: boolean, reason: string }, ['reason']);
const signedIn = (extra: Record<string, Schema> = {}) => object({ status: { const: 'signed_in' }, customer: ref('Customer'), ...extra }, Object.keys(extra));

/** Shared shapes: components.schemas of the document. */
export const RESPONSE_COMPONENTS: Record<string, Schema> = {
  FederationRedirect: object({ status: { const: 'redirect' }, redirectTo: string }),
  Customer: object({
    loginId: string,
    name: string,
    email: string,
    phone: nullable(object({ last4: string, type: { type: 'string', enum: ['mobile', 'landline'] }, verified: boolean })),
    mfa: object({ method: mfaMethod, scope: mfaScope, requiredByPolicy: boolean }),
  }),
  ChallengeMethod: {
    oneOf: [
      object({ type: { type: 'string', enum: ['sms', 'voice'] }, phoneLast4: string }),
      object({ type: { type: 'string', enum: ['totp', 'passkey', 'recovery_code'] } }),
    ],
  },
  Challenge: object({ id: string, purpose: string, summary: string, expiresAt: dateTime, methods: arrayOf(ref('ChallengeMethod')) }),
  CodeSent: object({ phoneLast4: string, codeExpiresAt: dateTime, resendAfter: dateTime, resendAfterSeconds: integer }),
  LoginResult: { oneOf: [signedIn(), object({ status: { const: 'second_factor_required' }, challenge: ref('Challenge') })] },
  Verified: {
    oneOf: [object({ status: { const: 'verified' }, recoveryCodesLeft: integer }, ['recoveryCodesLeft']), signedIn({ recoveryCodesLeft: integer })],
  },
  RecoveryCodesState: object({ remaining: integer, total: integer, low: boolean }),
  MfaSettings: object(
    {
      method: mfaMethod,
      scope: mfaScope,
      requiredByPolicy: boolean,
      passkeyOnly: { ...arrayOf({ type: 'string', enum: ['login', 'withdrawal', 'bank_account'] }), description: 'Operations KABUTO_PHISHING_RESISTANT lets only a passkey approve' },
      available: object({ sms: availability, totp: availability, passkey: availability }),
      recoveryCodes: ref('RecoveryCodesState'),
    },
    // Absent from an answer of a server older than the field.
    ['passkeyOnly'],
  ),
  FeedEvent: object({
    id: { type: 'string', description: 'Stable id: the receiver deduplicates by it (`webhook-id`)' },
    cursor: string,
    type: { type: 'string', description: 'docs/events.md lists the types' },
    timestamp: dateTime,
    data: { type: 'object', description: '`customer` (an opaque id), `actor`, and the type’s fields (docs/events.md)' },
  }),
  WebhookEndpoint: object({
    id: string,
    url: string,
    events: arrayOf(string),
    status: { type: 'string', enum: ['active', 'disabled'] },
    createdAt: dateTime,
    previousSecretUntil: nullable(dateTime),
  }),
  BankAccount: object({ bankName: string, branchName: string, accountNumber: string, holderName: string, last4: string }, ['last4']),
  Profile: object(
    { name: string, email: string, address: nullable(string), bankAccount: nullable(ref('BankAccount')), pendingEmail: { ...nullable(string), description: 'A new address waiting for its confirmation code (POST /api/v1/settings/email/confirm)' } },
    // Absent from an answer of a server older than the field.
    ['pendingEmail'],
  ),
  Holding: object({ symbol: string, name: string, quantity: integer, price: integer, value: integer }),
  Account: object({ cash: object({ available: integer, pending: integer }), holdings: arrayOf(ref('Holding')), totalValue: integer }),
  Instrument: object(
    {
      symbol: string,
      name: string,
      price: integer,
      market: { type: 'string', enum: ['TSE Prime', 'US OTC'] },
      dailyTurnoverYen: { ...integer, description: 'Liquidity: a typical day’s turnover in yen (the risk engine calls one below its threshold illiquid)' },
    },
    ['market', 'dailyTurnoverYen'],
  ),
  Order: object({
    id: string,
    symbol: string,
    name: string,
    side: { type: 'string', enum: ['buy', 'sell'] },
    quantity: integer,
    price: integer,
    amount: integer,
    status: { const: 'executed' },
    executedAt: dateTime,
  }),
  Withdrawal: object({
    id: string,
    amount: integer,
    status: { type: 'string', enum: ['pending', 'completed', 'cancelled'] },
    heldUntil: nullable(dateTime),
    bankAccount: object({ last4: string }),
    requestedAt: dateTime,
  }),
  LoginEvent: object({ at: dateTime, address: string, userAgent: string, result: string }),
  LoginSummary: object({
    previous: nullable(object({ at: dateTime, address: string, userAgent: string })),
    failedSince: integer,
    locksSince: integer,
  }),
  SecurityEvent: object({ id: integer, at: dateTime, action: string, actor: string, detail: { description: 'What the action changed (its own shape)' } }),
  CashEntry: object({ id: integer, at: dateTime, type: string, amount: integer, balance: integer, reference: nullable(string) }),
  Passkey: object({ id: string, name: string, createdAt: dateTime, lastUsedAt: nullable(dateTime), backedUp: boolean, approvesMoneyFrom: dateTime }, ['approvesMoneyFrom']),
  TotpEnrolment: object({ secret: string, uri: string, qrCode: string }),
  Held: object({
    status: { type: 'string', enum: ['held', 'released', 'rejected'] },
    hold: object({ id: string, kind: { type: 'string', enum: ['order', 'withdrawal'] }, heldAt: dateTime }),
    reason: { ...object({ ja: string, en: string }), description: 'The plain reason (ご本人確認のため…); the rule and signals are for operators' },
  }),
  FreezeLevelState: object({ frozen: boolean, since: nullable(dateTime) }),
  Freeze: object({
    withdrawals: ref('FreezeLevelState'),
    orders: ref('FreezeLevelState'),
    signIn: ref('FreezeLevelState'),
    withdrawalsHeldUntil: nullable(dateTime),
    liftWithPasskey: boolean,
  }),
  Place: object({ country: nullable(string), city: nullable(string) }),
  SessionEntry: object({
    id: string,
    current: boolean,
    browser: nullable(string),
    os: nullable(string),
    address: string,
    place: ref('Place'),
    firstSeenAt: dateTime,
    lastSeenAt: dateTime,
  }),
  KnownDevice: object({
    id: string,
    current: boolean,
    browser: nullable(string),
    os: nullable(string),
    address: nullable(string),
    place: ref('Place'),
    firstSeenAt: dateTime,
    lastSeenAt: dateTime,
    trustedUntil: dateTime,
    trusted: boolean,
  }),
};

/** A WebAuthn options object (PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON), as @simplewebauthn makes it. */
const webAuthnOptions: Schema = { type: 'object', description: 'WebAuthn options for the browser (navigator.credentials)', additionalProperties: true };

/** The success answer of each operation: status and schema. */
export const SUCCESS_RESPONSES: Record<string, [status: number, description: string, schema: Schema | null]> = {
  'POST /api/v1/login': [200, 'Signed in, or a second factor is asked for', ref('LoginResult')],
  'POST /api/v1/login/passkey-options': [200, 'WebAuthn request options', webAuthnOptions],
  'POST /api/v1/login/passkey': [200, 'Signed in', signedIn()],
  'POST /api/v1/logout': [204, 'Signed out', null],
  'GET /api/v1/me': [200, 'The signed-in customer', ref('Customer')],
  'POST /api/v1/challenges/{id}/sms': [200, 'The code is sent', ref('CodeSent')],
  'POST /api/v1/challenges/{id}/voice': [200, 'The call is placed', ref('CodeSent')],
  'POST /api/v1/challenges/{id}/passkey-options': [200, 'WebAuthn request options', webAuthnOptions],
  'POST /api/v1/challenges/{id}/verify': [200, 'Verified (or, for a sign-in, signed in)', ref('Verified')],
  'GET /api/v1/settings/mfa': [200, 'The two-factor settings', ref('MfaSettings')],
  'PUT /api/v1/settings/mfa': [200, 'The new two-factor settings', ref('MfaSettings')],
  'PUT /api/v1/settings/phone': [200, 'The customer with the new number', ref('Customer')],
  'PUT /api/v1/settings/password': [200, 'Changed', object({ status: { const: 'changed' } })],
  'PUT /api/v1/settings/trading-password': [200, 'Changed', object({ status: { const: 'changed' } })],
  'POST /api/v1/settings/email/confirm': [200, 'The new e-mail address took effect', object({ email: string })],
  'GET /api/v1/settings/notices': [200, 'Sign-in notices: every sign-in, or new devices only', object({ everySignIn: boolean })],
  'PUT /api/v1/settings/notices': [200, 'The new notice preference', object({ everySignIn: boolean })],
  'GET /api/v1/settings/profile': [200, 'The registration details', ref('Profile')],
  'PUT /api/v1/settings/profile': [200, 'The new registration details', ref('Profile')],
  'GET /api/v1/settings/totp': [200, 'Authenticator app status', object({ enrolled: boolean, pending: boolean })],
  'POST /api/v1/settings/totp': [200, 'The secret, shown once', ref('TotpEnrolment')],
  'POST /api/v1/settings/totp/confirm': [200, 'Enrolled', object({ status: { const: 'enrolled' } })],
  'GET /api/v1/settings/passkeys': [200, 'The passkeys', object({ passkeys: arrayOf(ref('Passkey')) })],
  'POST /api/v1/settings/passkeys/options': [200, 'WebAuthn creation options', webAuthnOptions],
  'POST /api/v1/settings/passkeys': [201, 'The new passkey', ref('Passkey')],
  'DELETE /api/v1/settings/passkeys/{id}': [200, 'Removed', object({ status: { const: 'removed' } })],
  'GET /api/v1/settings/recovery-codes': [200, 'Recovery codes left', ref('RecoveryCodesState')],
  'POST /api/v1/settings/recovery-codes': [201, 'The new codes, shown once', object({ codes: arrayOf(string) })],
  'GET /api/v1/sessions': [200, 'The live sessions (ログイン中の端末), the current one marked', object({ sessions: arrayOf(ref('SessionEntry')) })],
  'DELETE /api/v1/sessions/{id}': [200, 'That session ended', object({ status: { const: 'ended' } })],
  'POST /api/v1/sessions/end-others': [200, 'Every other session ended', object({ status: { const: 'ended' } })],
  'GET /api/v1/devices': [200, 'The known devices', object({ devices: arrayOf(ref('KnownDevice')) })],
  'DELETE /api/v1/devices/{id}': [200, 'The device forgotten (it counts as new again)', object({ status: { const: 'removed' } })],
  'GET /api/v1/protection': [200, 'What is frozen (取引制限 / ログイン一時停止)', ref('Freeze')],
  'POST /api/v1/protection/freeze': [200, 'Frozen at once (freezing sign-in also ends this session)', ref('Freeze')],
  'POST /api/v1/protection/unfreeze/options': [200, 'WebAuthn request options for this lift', webAuthnOptions],
  'POST /api/v1/protection/unfreeze': [200, 'Lifted; withdrawals wait out the cooling-off', ref('Freeze')],
  'POST /api/v1/protection/not-me': [200, 'Reported: withdrawals frozen, every session ended, devices untrusted, operators told', object({ status: { const: 'reported' } })],
  'POST /api/v1/protection/freeze-code': [200, 'Sign-in and withdrawals frozen', object({ status: { const: 'frozen' }, levels: arrayOf(string) })],
  'POST /api/v1/recovery/password': [200, 'A recovery (the same answer whether the login ID exists or not)', object({ recoveryId: string, expiresAt: dateTime })],
  'POST /api/v1/recovery/password/{id}/sms': [200, 'Sent to the registered mobile, if there is one (the same answer either way)', object({ status: { const: 'sent' }, resendAfterSeconds: integer })],
  'POST /api/v1/recovery/password/{id}/passkey-options': [200, 'WebAuthn request options', webAuthnOptions],
  'POST /api/v1/recovery/password/{id}/complete': [200, 'The new password is set; every session ended', object({ status: { const: 'recovered' } })],
  'POST /api/v1/recovery/login-id': [200, 'Sent to the address if it is registered (the same answer either way)', object({ status: { const: 'sent' } })],
  'POST /api/v1/protection/unfreeze-sign-in/options': [200, 'WebAuthn request options (no credential list)', webAuthnOptions],
  'POST /api/v1/protection/unfreeze-sign-in': [200, 'Sign-in is open again (withdrawals cool off)', object({ status: { const: 'lifted' } })],
  'GET /api/v1/instruments': [200, 'Instruments', arrayOf(ref('Instrument'))],
  'GET /api/v1/account': [200, 'Cash and holdings', ref('Account')],
  'POST /api/v1/orders': [201, 'The executed order', ref('Order')],
  'POST /api/v1/withdrawals': [201, 'The withdrawal (`pending` when held)', ref('Withdrawal')],
  'GET /api/v1/holds': [
    200,
    'Orders and withdrawals the risk engine held, newest first, with the plain reason',
    arrayOf({ allOf: [ref('Held'), object({ what: string, whatEn: string })] }),
  ],
  'POST /api/v1/holds/{id}/passkey-options': [200, 'WebAuthn request options (passkeys past their cooling-off)', webAuthnOptions],
  'POST /api/v1/holds/{id}/confirm': [200, 'Confirmed: the held request ran (its outcome in `result`)', { allOf: [ref('Held'), object({ result: { description: 'What the released request came to: `done` (its view) or `refused` (a code)' } })] }],
  'GET /api/v1/history/cash': [200, 'Cash entries, newest first', arrayOf(ref('CashEntry'))],
  'GET /api/v1/history/orders': [200, 'Orders, newest first', arrayOf(ref('Order'))],
  'GET /api/v1/history/logins': [200, 'Sign-ins, newest first', arrayOf(ref('LoginEvent'))],
  'GET /api/v1/history/logins/summary': [200, 'The previous sign-in and the failures and locks since', ref('LoginSummary')],
  'GET /api/v1/history/security': [200, 'Security events, newest first', arrayOf(ref('SecurityEvent'))],
  'GET /api/admin/v1/events': [200, 'Events after the cursor, oldest first, and the next cursor', object({ events: arrayOf(ref('FeedEvent')), next: string })],
  'POST /api/admin/v1/webhooks': [201, 'The endpoint and its signing secret (shown once)', object({ endpoint: ref('WebhookEndpoint'), secret: string })],
  'GET /api/admin/v1/webhooks': [200, 'The endpoints (never their secrets)', object({ endpoints: arrayOf(ref('WebhookEndpoint')) })],
  'POST /api/admin/v1/webhooks/{id}/disable': [200, 'The endpoint', ref('WebhookEndpoint')],
  'POST /api/admin/v1/webhooks/{id}/enable': [200, 'The endpoint', ref('WebhookEndpoint')],
  'POST /api/admin/v1/webhooks/{id}/rotate-secret': [200, 'The endpoint and its new secret (shown once)', object({ endpoint: ref('WebhookEndpoint'), secret: string })],
  'POST /api/admin/v1/webhooks/{id}/retry': [200, 'Dead-lettered deliveries due again', object({ requeued: integer })],
  'DELETE /api/admin/v1/webhooks/{id}': [200, 'Removed', object({ status: { const: 'deleted' } })],
  'GET /api/admin/v1/webhooks/{id}/deliveries': [
    200,
    'Deliveries, newest first',
    object({
      deliveries: arrayOf(
        object({
          eventId: string,
          cursor: string,
          type: string,
          status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
          attempts: integer,
          nextAttemptAt: nullable(dateTime),
          lastError: nullable(string),
          deliveredAt: nullable(dateTime),
        }),
      ),
    }),
  ],
  'GET /api/v1/federation/interactions/{uid}/details': [
    200,
    'What the relying party asks (OpenID Provider)',
    object({
      uid: string,
      prompt: { type: 'string', enum: ['login', 'consent'] },
      client: object({ name: string }),
      acr: nullable(string),
      scopes: arrayOf(string),
      withdrawal: nullable(object({ amount: integer, currency: { const: 'JPY' }, bankAccountLast4: string })),
    }),
  ],
  'POST /api/v1/federation/interactions/{uid}/continue': [200, 'Back to the relying party', ref('FederationRedirect')],
  'POST /api/v1/federation/interactions/{uid}/verify': [200, 'Verified: back to the relying party', ref('FederationRedirect')],
  'POST /api/v1/federation/interactions/{uid}/abort': [200, 'Declined: back to the relying party', ref('FederationRedirect')],
  'POST /oidc/approvals/redeem': [200, 'The approval, used now', object({ status: { const: 'redeemed' }, approved: { type: 'object' }, sub: string, clientId: string })],
};

/** Further success answers of an operation: the risk engine's 202 for a held order or withdrawal. */
const HELD = { description: 'Held by the risk engine (docs/risk.md): nothing ran; it waits for the customer’s passkey (POST /api/v1/holds/{id}/confirm) or an operator', content: { 'application/json': { schema: ref('Held') } } };
/** Four eyes (docs/operators.md): a dangerous admin action answers 202 with the request a second operator approves. */
const PENDING_APPROVAL = {
  description: 'Filed for a second operator’s approval (four eyes): nothing ran yet (the bootstrap token of development and test runs it at once)',
  content: { 'application/json': { schema: object({ status: { const: 'pending_approval' }, approval: { type: 'object' } }) } },
};
const MORE_RESPONSES: Record<string, Record<string, unknown>> = {
  'POST /api/v1/orders': { 202: HELD },
  'POST /api/v1/withdrawals': { 202: HELD },
  'POST /api/admin/v1/customers/{loginId}/mfa/reset': { 202: PENDING_APPROVAL },
  'POST /api/admin/v1/customers/{loginId}/deposits': { 202: PENDING_APPROVAL },
  'POST /api/admin/v1/customers/{loginId}/bank-account': { 202: PENDING_APPROVAL },
  'POST /api/admin/v1/risk/holds/{id}/release': { 202: PENDING_APPROVAL },
  'POST /api/admin/v1/customers/{loginId}/unfreeze': { 202: PENDING_APPROVAL },
};

/** The placeholder @fastify/swagger writes for a route without a response schema. */
function undeclared(response: unknown): boolean {
  const schema = (response as { content?: Record<string, { schema?: Record<string, unknown> }> } | undefined)?.content?.['application/json']?.schema;
  return schema !== undefined && Object.keys(schema).length === 1 && schema.description === 'Success';
}

/** Puts the documented success answer on an operation that declares none of its own. */
export function documentSuccess(key: string, responses: Record<string, unknown>): Record<string, unknown> {
  const documented = SUCCESS_RESPONSES[key];
  if (!documented || !undeclared(responses['200'])) return responses;
  const [status, description, schema] = documented;
  const { 200: _placeholder, ...rest } = responses;
  return { [String(status)]: schema ? { description, content: { 'application/json': { schema } } } : { description }, ...MORE_RESPONSES[key], ...rest };
}
