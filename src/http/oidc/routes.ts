import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Kabuto } from '../../kabuto.js';
import { approveWithdrawal, parseWithdrawalDetail, redeemApproval, type WithdrawalDetail } from '../../domain/federation/approvals.js';
import { requestedAcr } from '../../domain/federation/assurance.js';
import { completeFederatedStepUp, federatedSignIn, type Authenticated, type FederatedLogin } from '../../domain/federation/sign-in.js';
import { verifyChallenge, type VerifyInput } from '../../domain/challenges/verify.js';
import { fail, isFailure, type Failure } from '../../domain/kernel/errors.js';
import { rotateSession } from '../../domain/sessions/sessions.js';
import type { CustomerRecord, SessionRecord } from '../../domain/kernel/types.js';
import { answer } from '../answer.js';
import { sendFailure } from '../failures.js';
import { relyingPartyOf } from '../relying-party.js';
import { body, challengeId, enumOf } from '../schemas.js';
import { setSessionCookie } from '../session.js';
import { createOidcRuntime, INTERACTION_PATH, type OidcRuntime } from './provider.js';
import { sweepEndedSessions, withSingleLogout } from './logout.js';
import { oidcAdminRoutes } from './admin.js';
import { handOver } from '../request-log.js';

// The OpenID Provider inside Kabuto's Fastify app (docs/oidc.md): the library answers everything under
// /oidc (discovery, JWKS, authorize, token, userinfo, introspection, revocation, end session); Kabuto
// answers its sign-in and consent (the interaction routes below, JSON like the rest of /api/v1, under
// the same guards), the redemption of approvals, and the back office's client and key routes.

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

const MOUNT = '/oidc';
const SWEEP_MS = 1000;

// One provider per composed Kabuto (tests build several in one process), shared by the open routes and the
// signed-in interaction routes.
const runtimes = new WeakMap<Kabuto, OidcRuntime | undefined>();
function runtimeOf(kabuto: Kabuto): OidcRuntime | undefined {
  if (!runtimes.has(kabuto)) {
    const issuer = kabuto.config.oidcIssuer;
    runtimes.set(kabuto, issuer ? createOidcRuntime(kabuto, issuer, withSingleLogout(kabuto)) : undefined);
  }
  return runtimes.get(kabuto);
}

/**
 * The provider is on when KABUTO_OIDC_ISSUER is set. Kabuto's own routes for it (interactions, redemption,
 * the back office's) are always registered, so the API document is one; with the provider off they answer
 * 404 not_found. These are the open ones (routes/index.ts OPEN); the interactions are signed-in routes
 * (oidcInteractionRoutes, in the signed-in scope).
 */
export function oidcRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const runtime = runtimeOf(kabuto);
  if (runtime) startProvider(app, kabuto, runtime);
  redeemRoute(app, kabuto, runtime);
  oidcAdminRoutes(app, kabuto, runtime);
}

/** The interaction routes: a signed-in customer's (the signed-in scope has resolved the session and the customer). */
export function oidcInteractionRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  interactionRoutes(app, kabuto, runtimeOf(kabuto));
}

function startProvider(app: FastifyInstance, kabuto: Kabuto, runtime: OidcRuntime): void {
  // Single logout: Kabuto sessions that ended are looked for every second (whatever ended them).
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepEndedSessions(runtime, kabuto)
      .catch((error: unknown) => kabuto.deps.logger.warn({ err: error }, 'single logout: the sweep failed; retrying'))
      .finally(() => {
        sweeping = false;
      });
  }, SWEEP_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
  mountProvider(app, runtime);
  // The provider sends the browser here: the portal's page takes over (same path prefix, so the
  // interaction cookie, scoped to this path, reaches the JSON routes).
  app.get<{ Params: { uid: string } }>(`${INTERACTION_PATH}/:uid`, { schema: { params: uidParams, hide: true } }, async (request, reply) =>
    reply.code(303).header('location', `/federation/${encodeURIComponent(request.params.uid)}`).send(),
  );
}

/**
 * The library's Koa app answers /oidc and below. Its endpoints take form bodies and cross-site posts
 * (a relying party's back end, a browser's form post): inside this scope no body is parsed (the
 * library reads the raw request) and Kabuto's JSON-only and Origin guards, which hold for /api/v1/
 * only, do not apply.
 */
function mountProvider(app: FastifyInstance, runtime: OidcRuntime): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const provider = await runtime.provider();
      reply.hijack();
      const url = request.raw.url ?? '/';
      // Mounted as Express would: the library reads its mount path from originalUrl.
      (request.raw as typeof request.raw & { originalUrl?: string }).originalUrl = url;
      request.raw.url = url.slice(MOUNT.length) || '/';
      if (!request.raw.url.startsWith('/')) request.raw.url = `/${request.raw.url}`;
      // Koa answers (its own errors included) on the raw response.
      void provider.callback()(handOver(request), reply.raw);
    };
    for (const url of [MOUNT, `${MOUNT}/*`]) scope.route({ method: ['GET', 'POST', 'OPTIONS', 'DELETE', 'PUT'], url, handler, schema: { hide: true } });
  });
}

const uidParams = { type: 'object', properties: { uid: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } }, required: ['uid'] };

/** The interaction behind the browser's cookie, for this uid; undefined when gone (expired, finished, another browser). */
async function interactionOf(runtime: OidcRuntime | undefined, request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<{ provider: Provider; interaction: Interaction } | undefined> {
  if (!runtime) return undefined;
  const provider = await runtime.provider();
  try {
    const interaction = await provider.interactionDetails(request.raw, reply.raw);
    return interaction.uid === request.params.uid ? { provider, interaction } : undefined;
  } catch {
    return undefined;
  }
}

function detailsOf(interaction: Interaction): unknown[] {
  const raw = interaction.params.authorization_details;
  if (typeof raw !== 'string') return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return [];
  }
}

function withdrawalOf(interaction: Interaction): WithdrawalDetail | undefined {
  const found = detailsOf(interaction).map(parseWithdrawalDetail).find((detail) => !isFailure(detail));
  return found as WithdrawalDetail | undefined;
}

async function clientNameOf(provider: Provider, clientId: unknown): Promise<string> {
  const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
  return client?.clientName ?? String(clientId ?? '');
}

function interactionRoutes(app: FastifyInstance, kabuto: Kabuto, runtime: OidcRuntime | undefined): void {
  const { config } = kabuto;
  // Inside the signed-in scope: its hook has put the live session and its customer on the request.
  const signedIn = (request: FastifyRequest) => ({ session: request.session!, customer: request.customer! });
  const loginRequest = async (provider: Provider, interaction: Interaction, session: SessionRecord, customer: CustomerRecord): Promise<FederatedLogin> => ({
    customer,
    session,
    interactionId: interaction.uid,
    clientName: await clientNameOf(provider, interaction.params.client_id),
    acrValues: typeof interaction.params.acr_values === 'string' ? interaction.params.acr_values : undefined,
    maxAge: typeof interaction.params.max_age === 'number' ? interaction.params.max_age : interaction.params.max_age !== undefined ? Number(interaction.params.max_age) : undefined,
  });
  // The provider's clock is the system's; Kabuto's may be a test's: the age of the authentication is what carries over.
  const providerTs = (authTime: number) => Math.floor((Date.now() - (kabuto.deps.clock.now() - authTime)) / 1000);
  const finishLogin = async (provider: Provider, request: FastifyRequest, reply: FastifyReply, session: SessionRecord, customer: CustomerRecord, authenticated: Authenticated) => {
    const redirectTo = await provider.interactionResult(request.raw, reply.raw, {
      login: { accountId: customer.id, acr: authenticated.acr, amr: authenticated.amr, ts: providerTs(authenticated.authTime), remember: false },
    });
    return { status: 'redirect' as const, redirectTo };
  };
  const finishConsent = async (provider: Provider, interaction: Interaction, request: FastifyRequest, reply: FastifyReply, approved: WithdrawalDetail | undefined) => {
    const accountId = interaction.session?.accountId;
    const clientId = String(interaction.params.client_id);
    const grant = interaction.grantId ? await provider.Grant.find(interaction.grantId) : new provider.Grant({ accountId, clientId });
    if (!grant) return fail('interaction_not_found');
    const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    if (approved) grant.addRar(approved as unknown as Parameters<typeof grant.addRar>[0]);
    const grantId = await grant.save();
    const redirectTo = await provider.interactionResult(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return { status: 'redirect' as const, redirectTo };
  };

  app.get<{ Params: { uid: string } }>(`${INTERACTION_PATH}/:uid/details`, { schema: { params: uidParams } }, async (request, reply) => {
    const found = await interactionOf(runtime, request, reply);
    if (!found) return sendFailure(request, reply, fail('interaction_not_found'));
    const { provider, interaction } = found;
    const withdrawal = withdrawalOf(interaction);
    return {
      uid: interaction.uid,
      prompt: interaction.prompt.name === 'login' ? 'login' : 'consent',
      client: { name: await clientNameOf(provider, interaction.params.client_id) },
      acr: requestedAcr(typeof interaction.params.acr_values === 'string' ? interaction.params.acr_values : undefined) ?? null,
      scopes: String(interaction.params.scope ?? '').split(' ').filter(Boolean),
      withdrawal: withdrawal ? { amount: withdrawal.amount, currency: withdrawal.currency, bankAccountLast4: withdrawal.bankAccount.accountNumber.slice(-4) } : null,
    };
  });

  /** Signed in to Kabuto: sign in to the relying party (or be asked for a step-up), or approve its request. */
  app.post<{ Params: { uid: string } }>(`${INTERACTION_PATH}/:uid/continue`, { schema: { params: uidParams, body: body({}) } }, async (request, reply) => {
    const found = await interactionOf(runtime, request, reply);
    if (!found) return sendFailure(request, reply, fail('interaction_not_found'));
    const { provider, interaction } = found;
    const { session, customer } = signedIn(request);
    if (interaction.prompt.name === 'login') {
      const result = await federatedSignIn(request.deps, await loginRequest(provider, interaction, session, customer));
      return answer(request, reply, result, (authenticated) => finishLogin(provider, request, reply, session, customer, authenticated));
    }
    if (interaction.session?.accountId !== customer.id) return sendFailure(request, reply, fail('forbidden'));
    const asked = detailsOf(interaction);
    if (asked.length > 0) {
      // An approval is given with a step-up only: this answers 403 step_up_required with its challenge.
      const result = await approveWithdrawal(request.deps, { customer, session, clientId: String(interaction.params.client_id), clientName: await clientNameOf(provider, interaction.params.client_id), detail: asked[0], challengeId: undefined, client: { address: request.ip } });
      return answer(request, reply, result);
    }
    return answer(request, reply, await finishConsent(provider, interaction, request, reply, undefined));
  });

  /** The step-up's answer: verified, consumed for this interaction, and the interaction finished. */
  app.post<{ Params: { uid: string }; Body: VerifyInput & { challengeId: string } }>(
    `${INTERACTION_PATH}/:uid/verify`,
    {
      schema: {
        params: uidParams,
        body: body(
          { challengeId, method: enumOf('sms', 'voice', 'totp', 'passkey', 'recovery_code'), code: { type: 'string', maxLength: 64 }, response: { type: 'object' } },
          ['challengeId', 'method'],
        ),
      },
    },
    async (request, reply) => {
      const found = await interactionOf(runtime, request, reply);
      if (!found) return sendFailure(request, reply, fail('interaction_not_found'));
      const { provider, interaction } = found;
      const { session, customer } = signedIn(request);
      const { challengeId: id, ...input } = request.body;
      const verified = await verifyChallenge(request.deps, id, { ...input, relyingParty: relyingPartyOf(request, config) }, { customerId: customer.id });
      if (isFailure(verified)) return sendFailure(request, reply, verified);
      let outcome: Failure | { status: 'redirect'; redirectTo: string };
      if (interaction.prompt.name === 'login') {
        const authenticated = await completeFederatedStepUp(request.deps, await loginRequest(provider, interaction, session, customer), id, input.method);
        outcome = isFailure(authenticated) ? authenticated : await finishLogin(provider, request, reply, session, customer, authenticated);
      } else {
        if (interaction.session?.accountId !== customer.id) return sendFailure(request, reply, fail('forbidden'));
        const approved = await approveWithdrawal(request.deps, { customer, session, clientId: String(interaction.params.client_id), clientName: await clientNameOf(provider, interaction.params.client_id), detail: detailsOf(interaction)[0], challengeId: id, client: { address: request.ip } });
        outcome = isFailure(approved) ? approved : await finishConsent(provider, interaction, request, reply, approved);
      }
      if (isFailure(outcome)) return sendFailure(request, reply, outcome);
      // A step-up passed: the session gets a fresh token, as after any step-up (a copied cookie dies here).
      setSessionCookie(request, reply, (await rotateSession(request.deps, session)).token, config.publicOrigin);
      return outcome;
    },
  );

  /** The customer declines: the relying party hears access_denied. */
  app.post<{ Params: { uid: string } }>(`${INTERACTION_PATH}/:uid/abort`, { schema: { params: uidParams, body: body({}) } }, async (request, reply) => {
    const found = await interactionOf(runtime, request, reply);
    if (!found) return sendFailure(request, reply, fail('interaction_not_found'));
    const redirectTo = await found.provider.interactionResult(request.raw, reply.raw, { error: 'access_denied', error_description: 'the customer declined' }, { mergeWithLastSubmission: false });
    return { status: 'redirect', redirectTo };
  });
}

/**
 * A relying party's back end redeems an approval once: `Authorization: Bearer <access token>` and the
 * operation it is about to perform; the same content as approved, or 403; a second time, 409.
 */
function redeemRoute(app: FastifyInstance, kabuto: Kabuto, runtime: OidcRuntime | undefined): void {
  app.post<{ Body: { type: string; amount: number } }>(
    '/oidc/approvals/redeem',
    { schema: { body: body({ type: enumOf('withdrawal'), amount: { type: 'integer' } }, ['type', 'amount']) } },
    async (request, reply) => {
      // Outside /api/ (a relying party's back end calls it, with a bearer token): said here, not by the /api/ hook.
      reply.header('cache-control', 'no-store');
      if (!runtime) return sendFailure(request, reply, fail('not_found'));
      const header = request.headers.authorization ?? '';
      const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      const provider = await runtime.provider();
      const token = presented && presented.length <= 200 ? await provider.AccessToken.find(presented) : undefined;
      if (!token || !token.accountId) return sendFailure(request, reply, fail('unauthenticated'));
      const approved = await redeemApproval(request.deps, runtime.federation, { id: token.jti, clientId: String(token.clientId), customerId: token.accountId, details: (token as unknown as { rar?: unknown[] }).rar ?? [] }, request.body);
      return answer(request, reply, approved, (detail) => ({ status: 'redeemed', approved: detail, sub: token.accountId, clientId: token.clientId }));
    },
  );
}
