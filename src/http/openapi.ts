import type { FastifyInstance, FastifySchema } from 'fastify';
import swagger from '@fastify/swagger';
import { renderDocsPage, DOCS_CSS } from './docs-page.js';
import { documentSuccess, RESPONSE_COMPONENTS } from './openapi-responses.js';

// The OpenAPI 3.1 document is generated from the schemas the routes validate with: one source of
// truth. @fastify/swagger collects routes as they are registered, so this runs before any route.
// What a generated client needs besides the schemas is added here, in one place, for every route:
// a summary and an operationId (a route may declare its own in its schema; a route missing from the
// table below gets ones derived from its method and path), its security, its 4xx answers and tags.
// The document stays clean under Redocly's `recommended` ruleset (test/ops/openapi.test.ts).

const errorResponse = {
  description: 'An error: `{"error": code, "message", "requestId", ...fields}` (docs/api.md lists the codes)',
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
  required: ['error', 'message', 'requestId'],
};

/** Summaries and operation ids, by `METHOD path`. */
const OPERATIONS: Record<string, [summary: string, operationId: string]> = {
  'POST /api/v1/login': ['Sign in with login ID and password', 'signIn'],
  'POST /api/v1/login/passkey-options': ['WebAuthn options for a passkey sign-in', 'startPasskeySignIn'],
  'POST /api/v1/login/passkey': ['Sign in with a passkey', 'signInWithPasskey'],
  'POST /api/v1/logout': ['Sign out', 'signOut'],
  'GET /api/v1/me': ['The signed-in customer', 'getMe'],
  'POST /api/v1/challenges/{id}/sms': ['Send (or resend) a one-time code by SMS', 'sendSmsCode'],
  'POST /api/v1/challenges/{id}/voice': ['Send a one-time code by voice call', 'sendVoiceCode'],
  'POST /api/v1/challenges/{id}/passkey-options': ['WebAuthn options for a challenge', 'startChallengePasskey'],
  'POST /api/v1/challenges/{id}/verify': ['Verify a challenge with a code or a passkey', 'verifyChallenge'],
  'GET /api/v1/settings/mfa': ['Two-factor settings and available methods', 'getMfaSettings'],
  'PUT /api/v1/settings/mfa': ['Change the two-factor settings', 'changeMfaSettings'],
  'PUT /api/v1/settings/phone': ['Change the registered phone number', 'changePhone'],
  'PUT /api/v1/settings/password': ['Change the login password', 'changePassword'],
  'PUT /api/v1/settings/trading-password': ['Change the trading password', 'changeTradingPassword'],
  'GET /api/v1/settings/profile': ['Registration details', 'getProfile'],
  'PUT /api/v1/settings/profile': ['Change registration details (e-mail, address, bank account)', 'changeProfile'],
  'GET /api/v1/settings/totp': ['Authenticator app status', 'getTotp'],
  'POST /api/v1/settings/totp': ['Start enrolling an authenticator app', 'startTotpEnrolment'],
  'POST /api/v1/settings/totp/confirm': ['Finish enrolling an authenticator app', 'confirmTotpEnrolment'],
  'GET /api/v1/settings/passkeys': ['List passkeys', 'listPasskeys'],
  'POST /api/v1/settings/passkeys/options': ['WebAuthn options to register a passkey', 'startPasskeyRegistration'],
  'POST /api/v1/settings/passkeys': ['Register a passkey', 'registerPasskey'],
  'DELETE /api/v1/settings/passkeys/{id}': ['Remove a passkey', 'removePasskey'],
  'GET /api/v1/settings/recovery-codes': ['Recovery codes left', 'getRecoveryCodes'],
  'POST /api/v1/settings/recovery-codes': ['Generate a new set of recovery codes', 'generateRecoveryCodes'],
  'GET /api/v1/instruments': ['Instruments and their prices', 'listInstruments'],
  'GET /api/v1/account': ['Cash and holdings', 'getAccount'],
  'POST /api/v1/orders': ['Place an order', 'placeOrder'],
  'POST /api/v1/withdrawals': ['Request a withdrawal', 'requestWithdrawal'],
  'GET /api/v1/history/cash': ['Cash history', 'listCashHistory'],
  'GET /api/v1/history/orders': ['Order history', 'listOrderHistory'],
  'GET /api/v1/history/logins': ['Sign-in history', 'listLoginHistory'],
  'GET /api/v1/history/security': ['Security history (settings changes)', 'listSecurityHistory'],
  'GET /healthz': ['Liveness: the process is up', 'getHealth'],
  'GET /readyz': ['Readiness: the database answers', 'getReadiness'],
  'GET /metrics': ['Prometheus metrics', 'getMetrics'],
  'GET /api/v1/openapi.json': ['This OpenAPI document', 'getOpenApiDocument'],
  'POST /api/admin/v1/customers': ['Open a customer account', 'adminCreateCustomer'],
  'POST /api/admin/v1/customers/{loginId}/unlock': ['Lift a customer’s locks', 'adminUnlockCustomer'],
  'POST /api/admin/v1/customers/{loginId}/mfa/reset': ['Reset a customer’s second factors (lost phone)', 'adminResetMfa'],
  'POST /api/admin/v1/customers/{loginId}/deposits': ['Credit a deposit', 'adminDeposit'],
  'GET /api/admin/v1/customers/{loginId}/audit': ['A customer’s audit trail', 'adminGetAudit'],
  'GET /api/admin/v1/events': ['The security event feed, by cursor (SIEM collection)', 'adminListEvents'],
  'POST /api/admin/v1/webhooks': ['Register a webhook endpoint for the event feed', 'adminAddWebhook'],
  'GET /api/admin/v1/webhooks': ['List the webhook endpoints', 'adminListWebhooks'],
  'POST /api/admin/v1/webhooks/{id}/disable': ['Stop delivering to a webhook endpoint', 'adminDisableWebhook'],
  'POST /api/admin/v1/webhooks/{id}/enable': ['Deliver to a disabled webhook endpoint again', 'adminEnableWebhook'],
  'POST /api/admin/v1/webhooks/{id}/rotate-secret': ['Give a webhook endpoint a new signing secret', 'adminRotateWebhookSecret'],
  'POST /api/admin/v1/webhooks/{id}/retry': ['Deliver a webhook endpoint’s dead-lettered events again', 'adminRetryWebhook'],
  'DELETE /api/admin/v1/webhooks/{id}': ['Remove a webhook endpoint', 'adminDeleteWebhook'],
  'GET /api/admin/v1/webhooks/{id}/deliveries': ['A webhook endpoint’s deliveries', 'adminListWebhookDeliveries'],
  'GET /api/dev/outbox': ['Development outbox: messages sent', 'devListOutbox'],
  'GET /api/v1/sessions': ['The live sessions (ログイン中の端末)', 'listSessions'],
  'DELETE /api/v1/sessions/{id}': ['Sign out one other session', 'endSession'],
  'POST /api/v1/sessions/end-others': ['Sign out every other session', 'endOtherSessions'],
  'GET /api/v1/devices': ['The known devices', 'listDevices'],
  'DELETE /api/v1/devices/{id}': ['Forget a known device', 'removeDevice'],
  'GET /api/v1/protection': ['What is frozen', 'getFreeze'],
  'POST /api/v1/protection/freeze': ['Freeze withdrawals, orders or sign-in (no second factor)', 'freeze'],
  'POST /api/v1/protection/unfreeze/options': ['WebAuthn options for lifting a freeze', 'startUnfreeze'],
  'POST /api/v1/protection/unfreeze': ['Lift a freeze with a passkey', 'unfreeze'],
  'POST /api/v1/protection/not-me': ['Report "this wasn\'t me"', 'reportNotMe'],
  'POST /api/v1/protection/freeze-code': ['Freeze sign-in and withdrawals with a notice\'s freeze code', 'freezeWithCode'],
  'POST /api/v1/protection/unfreeze-sign-in/options': ['WebAuthn options for lifting a sign-in freeze (no session)', 'startSignInUnfreeze'],
  'POST /api/v1/protection/unfreeze-sign-in': ['Lift a sign-in freeze with a passkey, from the sign-in page', 'liftSignInFreeze'],
  'POST /api/v1/settings/email/confirm': ['Confirm a new e-mail address with the code sent to it', 'confirmEmailChange'],
  'GET /api/v1/settings/notices': ['The sign-in notice preference', 'getNoticePreferences'],
  'PUT /api/v1/settings/notices': ['Change the sign-in notice preference', 'changeNoticePreferences'],
  'POST /api/v1/recovery/password': ['Start a password recovery', 'startPasswordRecovery'],
  'POST /api/v1/recovery/password/{id}/sms': ['Text a recovery code to the registered mobile', 'sendRecoveryCode'],
  'POST /api/v1/recovery/password/{id}/passkey-options': ['WebAuthn options for a recovery', 'startRecoveryPasskey'],
  'POST /api/v1/recovery/password/{id}/complete': ['Set a new password with the proof the policy asks for', 'completePasswordRecovery'],
  'POST /api/v1/recovery/login-id': ['Send the login ID to the registered address', 'remindLoginId'],
  'GET /api/admin/v1/customers/{loginId}/freeze': ['A customer’s freezes', 'adminGetFreeze'],
  'POST /api/admin/v1/customers/{loginId}/unfreeze': ['Lift a freeze of a customer without a passkey, after an identity check', 'adminUnfreeze'],
  'GET /api/admin/v1/alerts': ['Alerts for the operators ("this wasn\'t me")', 'adminListAlerts'],
};

/** Routes anyone may call; the challenge routes also serve the half-signed-in (a login challenge). */
const ANONYMOUS = new Set([
  '/api/v1/login',
  '/api/v1/login/passkey-options',
  '/api/v1/login/passkey',
  '/api/v1/logout',
  '/api/v1/instruments',
  '/api/v1/openapi.json',
  '/api/v1/protection/freeze-code',
  '/api/v1/protection/unfreeze-sign-in/options',
  '/api/v1/protection/unfreeze-sign-in',
  '/api/v1/recovery/password',
  '/api/v1/recovery/password/{id}/sms',
  '/api/v1/recovery/password/{id}/passkey-options',
  '/api/v1/recovery/password/{id}/complete',
  '/api/v1/recovery/login-id',
]);

const TAGS = [
  { name: 'sign-in', description: 'Signing in and out, with a password or a passkey' },
  { name: 'challenges', description: 'Second-factor checks: one-time codes and passkeys' },
  { name: 'settings', description: 'Two-factor settings, phone, passwords, registration details, enrolled factors' },
  { name: 'money', description: 'Instruments, the account, orders and withdrawals' },
  { name: 'history', description: 'Cash, order, sign-in and security histories' },
  { name: 'sessions', description: 'Signed-in devices: sessions and known devices' },
  { name: 'protection', description: 'Freezes, the notice freeze code, "this wasn\'t me"' },
  { name: 'recovery', description: 'Forgotten password and login ID' },
  { name: 'admin', description: 'The back office (with KABUTO_ADMIN_TOKEN)' },
  { name: 'operations', description: 'Health, readiness, metrics and this document' },
  { name: 'development', description: 'The development outbox (never in production)' },
];

/** The section of the document a route belongs to, from its path. */
function tagOf(url: string): string {
  if (url.startsWith('/api/admin/')) return 'admin';
  if (url.startsWith('/api/dev/')) return 'development';
  if (url === '/api/v1/openapi.json' || !url.startsWith('/api/v1/')) return 'operations';
  const section = url.split('/')[3] ?? '';
  if (['login', 'logout', 'me'].includes(section)) return 'sign-in';
  if (section === 'devices') return 'sessions';
  if (['instruments', 'account', 'orders', 'withdrawals'].includes(section)) return 'money';
  return section;
}

/** `POST /api/v1/challenges/{id}/sms` → `postChallengesByIdSms`: unique for every method and path. */
export function derivedOperationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/(admin\/)?v1\//, (_, admin: string | undefined) => (admin ? '/admin/' : '/'))
    .replace(/^\/api\//, '/')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((part) => (part.startsWith('{') ? ['By', part.slice(1, -1)] : [part]))
    .flat()
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1));
  return method.toLowerCase() + words.join('');
}

type Operation = Record<string, unknown> & { responses?: Record<string, unknown>; parameters?: unknown[]; requestBody?: unknown; security?: unknown };

const errorRef = { $ref: '#/components/schemas/Error' };
/** A documented error answer naming the codes a client should expect with that status. */
const errorAnswer = (status: number, codes: string[]) => ({
  description: codes.length ? codes.map((c) => `\`${c}\``).join(', ') : `HTTP ${status}`,
  content: { 'application/json': { schema: errorRef } },
});

/** Security, 4xx answers, summary and operationId of one operation (what the route declares wins). */
function completeOperation(method: string, path: string, op: Operation): void {
  const [summary, operationId] = OPERATIONS[`${method.toUpperCase()} ${path}`] ?? [`${method.toUpperCase()} ${path}`, derivedOperationId(method, path)];
  op.summary ??= summary;
  op.operationId ??= operationId;

  const admin = path.startsWith('/api/admin/');
  const customerApi = path.startsWith('/api/v1/') && !ANONYMOUS.has(path);
  const challenge = path.startsWith('/api/v1/challenges/');
  if (op.security === undefined) op.security = admin ? [{ adminToken: [] }] : challenge ? [{}, { session: [] }] : customerApi ? [{ session: [] }] : [];

  const answers: Record<string, ReturnType<typeof errorAnswer>> = {};
  const hasInput = Boolean(op.requestBody || op.parameters?.length);
  if (hasInput) answers['400'] = errorAnswer(400, ['invalid_request']);
  if (admin || (customerApi && !challenge)) answers['401'] = errorAnswer(401, ['unauthenticated']);
  if (path.startsWith('/api/v1/') && method !== 'get') {
    answers['403'] = errorAnswer(403, ['csrf_rejected']);
    answers['415'] = errorAnswer(415, ['unsupported_media_type']);
  }
  if (challenge) answers['404'] = errorAnswer(404, ['challenge_not_found']);
  if (admin && (path.includes('{loginId}') || path.startsWith('/api/admin/v1/webhooks/{id}'))) answers['404'] = errorAnswer(404, ['not_found']);
  if (Object.keys(answers).length === 0) answers['4XX'] = errorAnswer(400, []);
  op.responses = { ...answers, ...documentSuccess(`${method.toUpperCase()} ${path}`, op.responses ?? {}) };
}

/** The finished document: every operation completed, shared components, servers, tags. */
export function completeDocument(document: Record<string, unknown>): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) completeOperation(method, path, op);
  }
  const components = (document.components ?? {}) as Record<string, Record<string, unknown>>;
  const used = new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => (op.tags as string[] | undefined) ?? [])));
  return {
    ...document,
    servers: [{ url: '/', description: 'The Kabuto server that serves this document' }],
    tags: [...TAGS.filter((t) => used.has(t.name)), ...[...used].filter((name) => !TAGS.some((t) => t.name === name)).map((name) => ({ name, description: name }))],
    components: { ...components, schemas: { ...components.schemas, ...RESPONSE_COMPONENTS, Error: { ...errorResponse, description: 'The shape of every error answer' } } },
  };
}

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kabuto',
        version,
        description: 'Account security for online brokerages. The API in prose: docs/api.md in the repository.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'kabuto_session', description: 'The session cookie, set at sign-in' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'The admin API token (KABUTO_ADMIN_TOKEN)' },
        },
      },
    },
    // Documentation only: what validates requests is the route's own schema, untouched.
    transform: ({ schema, url }) => {
      const original = (schema ?? {}) as FastifySchema & { response?: Record<string, unknown> };
      const documented: Record<string, unknown> = {
        ...original,
        tags: [tagOf(url)],
        response: { ...(original.response ?? { 200: { description: 'Success' } }), default: errorResponse },
      };
      return { schema: documented as FastifySchema, url };
    },
    transformObject: (documentObject) => completeDocument('openapiObject' in documentObject ? (documentObject.openapiObject as Record<string, unknown>) : {}),
  });
}

/** `GET /api/v1/openapi.json` and a script-free docs page at `/docs` (the CSP forbids inline code). */
export function openApiRoutes(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', async () => app.swagger());
  let page: string | undefined;
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send((page ??= renderDocsPage(app.swagger()))));
  app.get('/docs/docs.css', { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').send(DOCS_CSS));
}
