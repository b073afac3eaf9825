import { hkdfSync } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Adapter, AdapterPayload, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Kabuto } from '../../kabuto.js';
import { ACR_VALUES, requestedAcr, stepUpFor } from '../../domain/federation/assurance.js';
import { CLIENT_MODEL, DETAIL_TYPES, openClient } from '../../domain/federation/clients.js';
import { parseWithdrawalDetail } from '../../domain/federation/approvals.js';
import { accountOf } from '../../domain/federation/sign-in.js';
import { keysInUse, nextKeyChange, rotateSigningKey, DEFAULT_ROTATION } from '../../domain/federation/signing-keys.js';
import type { FederationStore } from '../../domain/federation/ports.js';
import { isFailure } from '../../domain/kernel/errors.js';

// The OpenID Provider (panva's oidc-provider, a certified implementation) configured for Kabuto
// (docs/oidc.md). It keeps its state in Kabuto's database (the adapter below, over
// src/store/oidc-store.ts), signs with keys from that database, sends the browser to Kabuto's own
// sign-in and consent (src/http/oidc/interactions.ts), and knows Kabuto's acr values. It is rebuilt
// (cheaply: it holds no state of its own) whenever the set of signing keys changes.

/** Where the provider sends the browser to sign in or consent: a Kabuto route, which opens the portal's page. */
export const INTERACTION_PATH = '/api/v1/federation/interactions';
/** The resource server an approval's access token is for: the relying party's back end redeems it at Kabuto. */
export const APPROVALS_RESOURCE = 'urn:kabuto:approvals';

const KEY_CHECK_MS = 30_000;
/** Outbound calls (back-channel logout, a client's jwks_uri): the library's own limit, kept when it gives none. */
const OUTBOUND_TIMEOUT_MS = 2_500;

const TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Interaction: 15 * 60,
  Session: 12 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
} as const;

export interface OidcRuntime {
  readonly issuer: string;
  /** The provider for the current signing keys. */
  provider(): Promise<Provider>;
  /** Forget the built provider: the keys changed (rotation). */
  keysChanged(): void;
  /** The provider's storage (the composition root's). */
  readonly federation: FederationStore;
}

function adapterFor(kabuto: Kabuto, { models }: FederationStore) {
  const { deps } = kabuto;
  // The provider's times are its own (seconds since the epoch, the system clock): expiry follows them.
  const now = () => Date.now();
  const expiresAt = (expiresIn: number | undefined) => (expiresIn === undefined ? null : now() + expiresIn * 1000);
  return class KabutoAdapter implements Adapter {
    constructor(private readonly model: string) {}
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      const lookups = { grantId: typeof payload.grantId === 'string' ? payload.grantId : undefined, userCode: payload.userCode, uid: payload.uid };
      await models.upsert(this.model, id, payload as Record<string, unknown>, expiresAt(expiresIn), lookups);
    }
    private view(row: { payload: Record<string, unknown>; consumedAt: number | null } | undefined, id: string): AdapterPayload | undefined {
      if (!row) return undefined;
      const payload = this.model === CLIENT_MODEL ? openClient(deps, id, row.payload) : row.payload;
      return (row.consumedAt === null ? payload : { ...payload, consumed: Math.floor(row.consumedAt / 1000) }) as AdapterPayload;
    }
    async find(id: string) {
      return this.view(await models.find(this.model, id, now()), id);
    }
    async findByUid(uid: string) {
      const row = await models.findByUid(this.model, uid, now());
      return this.view(row, String(row?.payload.jti ?? ''));
    }
    async findByUserCode(userCode: string) {
      const row = await models.findByUserCode(this.model, userCode, now());
      return this.view(row, String(row?.payload.jti ?? ''));
    }
    async consume(id: string) {
      await models.consume(this.model, id, now());
    }
    async destroy(id: string) {
      await models.destroy(this.model, id);
    }
    async revokeByGrantId(grantId: string) {
      await models.revokeByGrantId(grantId);
    }
  };
}

/** The provider's cookie keys, derived from KABUTO_SECRET (every instance signs and reads the same). */
function cookieKeys(kabuto: Kabuto): string[] {
  return [Buffer.from(hkdfSync('sha256', kabuto.config.secret, Buffer.alloc(0), 'kabuto:oidc-cookies', 32)).toString('base64url')];
}

/** Loopback receivers are reached only outside production (tests, a developer's relying party). */
function loopback(url: string | URL | Request): boolean {
  const host = new URL(url instanceof Request ? url.url : url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * The login prompt also asks when the relying party wants more assurance (`acr_values`) than the
 * provider's session carries: the library's own checks look only at essential `acr` claims.
 */
// Loaded when the provider is first used, not at start: an installation that does not turn it on never
// loads it (nor prints its runtime warning).
type Library = typeof import('oidc-provider');

function assurancePolicy(kabuto: Kabuto, { interactionPolicy }: Library) {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.add(
    new interactionPolicy.Check('kabuto_acr', 'the requested assurance was not obtained', (ctx: KoaContextWithOIDC) => {
      const asked = requestedAcr(typeof ctx.oidc.params?.acr_values === 'string' ? ctx.oidc.params.acr_values : undefined);
      if (!asked || !ctx.oidc.session?.accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      const amr = ctx.oidc.session.amr ?? [];
      const step = stepUpFor(amr, kabuto.deps.clock.now(), { acrValues: asked }, kabuto.deps.clock.now());
      return step.needed ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}

function configuration(kabuto: Kabuto, federation: FederationStore, jwks: { keys: object[] }, library: Library): Configuration {
  const { deps, config } = kabuto;
  const { errors } = library;
  const allowLoopback = config.mode !== 'production';
  return {
    adapter: adapterFor(kabuto, federation),
    clients: [],
    jwks: jwks as Configuration['jwks'],
    cookies: { keys: cookieKeys(kabuto), long: { httpOnly: true, sameSite: 'lax', signed: true }, short: { httpOnly: true, sameSite: 'lax', signed: true } },
    acrValues: [...ACR_VALUES],
    // What every ID token says of the authentication: acr, amr and auth_time come with the openid scope.
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'] },
    scopes: ['openid', 'offline_access'],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ttl: { ...TTL },
    async findAccount(_ctx, sub) {
      const customer = await accountOf(deps, sub);
      if (!customer) return undefined;
      return { accountId: customer.id, claims: async () => ({ sub: customer.id }) };
    },
    interactions: {
      policy: assurancePolicy(kabuto, library),
      url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`,
    },
    // An approval (RAR) is for one operation: it never rides a refresh token.
    async issueRefreshToken(ctx, client, code) {
      if (!client.grantTypeAllowed('refresh_token') || !code.scopes.has('offline_access')) return false;
      return !(code as unknown as { rar?: unknown[] }).rar?.length;
    },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Approvals (RAR) are for one resource server: Kabuto's redemption endpoint (APPROVALS_RESOURCE).
      // A request with authorization_details gets it by default; no other resource can be asked for.
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string) => oneOf ?? (ctx.oidc.params?.authorization_details ? APPROVALS_RESOURCE : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string) => {
          if (resource !== APPROVALS_RESOURCE) throw new errors.InvalidTarget();
          return { scope: '', audience: APPROVALS_RESOURCE, accessTokenFormat: 'opaque', accessTokenTTL: 5 * 60 };
        },
      },
      claimsParameter: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.type = 'html';
          ctx.body = `<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>ログアウト / Sign out</title></head><body><main><h1>ログアウトしますか？ / Sign out?</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">ログアウト / Sign out</button></main></body></html>`;
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.type = 'html';
          ctx.body = '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>ログアウトしました / Signed out</title></head><body><main><h1>ログアウトしました / Signed out</h1></main></body></html>';
        },
      },
      backchannelLogout: { enabled: true },
      richAuthorizationRequests: {
        enabled: true,
        types: Object.fromEntries(
          DETAIL_TYPES.map((type) => [
            type,
            {
              validate(_ctx: unknown, detail: unknown) {
                const parsed = parseWithdrawalDetail(detail);
                if (isFailure(parsed)) throw new errors.InvalidAuthorizationDetails(`withdrawal: ${'field' in parsed.fields ? String(parsed.fields.field) : parsed.code} is not valid`);
              },
            },
          ]),
        ),
        // The code carries what the customer approved for this request (added to the grant by the consent
        // route) and takes it off the grant: a later authorization of the same client, which loads the same
        // grant, must never find an approval in it.
        async authorizationDetailsForGrantSource(ctx: KoaContextWithOIDC) {
          const grant = ctx.oidc.grant;
          const approved = grant?.rar ?? [];
          if (grant && approved.length > 0) {
            grant.rar = undefined;
            await grant.save();
          }
          return ctx.oidc.params?.authorization_details ? approved : [];
        },
        // The first access token only: a refreshed one carries no approval.
        authorizationDetailsForAccessToken: (_ctx: KoaContextWithOIDC, _token: unknown, source: { rar?: unknown[] } | undefined, grantType: string) =>
          grantType === 'authorization_code' ? (source?.rar ?? []) : [],
        authorizationDetailsForIntrospection: (_ctx: KoaContextWithOIDC, token: { rar?: unknown[] }) => token.rar ?? [],
      },
    } as unknown as Configuration['features'],
    // Outbound calls (back-channel logout, a client's jwks_uri) keep the library's 2.5 s time-out and its
    // guard against internal addresses; loopback receivers are allowed outside production only.
    fetch: (url, init) => {
      const options = { ...init } as RequestInit & { dispatcher?: unknown };
      // Every outbound call has a time-out: the library's own signal, or ours if it ever stops giving one.
      options.signal ??= AbortSignal.timeout(OUTBOUND_TIMEOUT_MS);
      if (allowLoopback && loopback(url)) delete options.dispatcher;
      return fetch(url, options);
    },
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = { error: out.error, error_description: out.error_description };
    },
  };
}

export function createOidcRuntime(kabuto: Kabuto, issuer: string, decorate: (provider: Provider) => void): OidcRuntime {
  const federation = kabuto.federation;
  // Rebuilt when a key starts signing or leaves the JWKS (by the clock), when this process rotated one,
  // and when another process did (the CLI, another instance): the key list is read again every 30 s.
  let built: { provider: Promise<Provider>; until: number | undefined; checkedAt: number; kids: string } | undefined;
  const fingerprint = (keys: readonly { kid: string; retiredAt: number | null }[]) => keys.map((k) => `${k.kid}:${k.retiredAt ?? ''}`).join(',');
  const build = async (target: NonNullable<typeof built>): Promise<Provider> => {
    let keys = await federation.keys.list();
    // The first key of an installation is made on first use (the CLI or the admin API rotate later ones).
    if (keys.length === 0) {
      await rotateSigningKey(kabuto.deps, federation, DEFAULT_ROTATION, 'system');
      keys = await federation.keys.list();
    }
    const now = kabuto.deps.clock.now();
    const library = await import('oidc-provider');
    const provider = new library.Provider(issuer, configuration(kabuto, federation, { keys: keysInUse(kabuto.deps, keys, now) }, library));
    provider.proxy = kabuto.config.trustProxy !== false;
    decorate(provider);
    target.until = nextKeyChange(keys, now);
    target.kids = fingerprint(keys);
    return provider;
  };
  return {
    issuer,
    federation,
    async provider() {
      const now = kabuto.deps.clock.now();
      if (built && Date.now() - built.checkedAt > KEY_CHECK_MS) {
        const current = built;
        current.checkedAt = Date.now();
        if (fingerprint(await federation.keys.list()) !== current.kids && built === current) built = undefined;
      }
      if (!built || (built.until !== undefined && now >= built.until)) {
        const fresh = { provider: Promise.resolve() as unknown as Promise<Provider>, until: undefined as number | undefined, checkedAt: Date.now(), kids: '' };
        built = fresh;
        fresh.provider = build(fresh).catch((error: unknown) => {
          if (built === fresh) built = undefined;
          throw error;
        });
      }
      return built.provider;
    },
    keysChanged() {
      built = undefined;
    },
  };
}
