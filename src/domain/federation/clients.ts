import type { Deps } from '../kernel/context.js';
import { newId } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import { decryptSecret, encryptSecret } from '../factors/encryption.js';
import type { FederationStore } from './ports.js';

// Relying parties (docs/oidc.md, "Registering a client"): registered by an operator (admin API, CLI),
// never by themselves. Authorization code with PKCE only; a confidential client authenticates with
// `client_secret_basic` (the secret is shown once and kept sealed: the provider needs it in clear to
// compare, so it is encrypted at rest, not hashed) or `private_key_jwt` (its public keys, inline).

export const CLIENT_MODEL = 'Client';
export const AUTH_METHODS = ['client_secret_basic', 'private_key_jwt'] as const;
export type ClientAuthMethod = (typeof AUTH_METHODS)[number];
export const DETAIL_TYPES = ['withdrawal'] as const;

export interface ClientRegistration {
  name: string;
  authMethod: ClientAuthMethod;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  /** private_key_jwt: the client's public keys. */
  jwks?: { keys: Array<Record<string, unknown>> };
  /** RFC 9396 types it may ask for (`withdrawal`). */
  authorizationDetailsTypes?: string[];
}

export interface RegistrationRules {
  /** http:// to 127.0.0.1 or localhost (development and tests); https only otherwise. */
  allowHttpLoopback: boolean;
}

const sealContext = (clientId: string) => `oidc-client-secret:${clientId}`;

function badUri(value: unknown, rules: RegistrationRules): boolean {
  if (typeof value !== 'string' || value.length > 2000) return true;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return true;
  }
  if (url.hash || url.username || url.password) return true;
  if (url.protocol === 'https:') return false;
  return !(rules.allowHttpLoopback && url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'));
}

const PUBLIC_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/** The provider's client metadata for a registration, or why it is refused. */
export function clientMetadata(input: ClientRegistration, clientId: string, rules: RegistrationRules): Record<string, unknown> | Failure {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > 100 || /[\p{Cc}]/u.test(name)) return fail('invalid_request', { field: 'name' });
  if (!AUTH_METHODS.includes(input.authMethod)) return fail('invalid_request', { field: 'authMethod' });
  if (!Array.isArray(input.redirectUris) || input.redirectUris.length === 0 || input.redirectUris.length > 10 || input.redirectUris.some((u) => badUri(u, rules))) {
    return fail('invalid_request', { field: 'redirectUris', reason: 'absolute https URLs without a fragment' });
  }
  const postLogout = input.postLogoutRedirectUris ?? [];
  if (!Array.isArray(postLogout) || postLogout.length > 10 || postLogout.some((u) => badUri(u, rules))) return fail('invalid_request', { field: 'postLogoutRedirectUris' });
  if (input.backchannelLogoutUri !== undefined && badUri(input.backchannelLogoutUri, rules)) return fail('invalid_request', { field: 'backchannelLogoutUri' });
  const types = input.authorizationDetailsTypes ?? [];
  if (!Array.isArray(types) || types.some((t) => !(DETAIL_TYPES as readonly string[]).includes(t))) return fail('invalid_request', { field: 'authorizationDetailsTypes' });
  let jwks: { keys: Array<Record<string, unknown>> } | undefined;
  if (input.authMethod === 'private_key_jwt') {
    const keys = input.jwks?.keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 5) return fail('invalid_request', { field: 'jwks' });
    for (const key of keys) {
      if (typeof key !== 'object' || key === null || !PUBLIC_KEY_TYPES.has(String(key.kty)) || PRIVATE_MEMBERS.some((m) => m in key)) {
        return fail('invalid_request', { field: 'jwks', reason: 'public keys only (RSA, EC, OKP)' });
      }
    }
    jwks = { keys };
  } else if (input.jwks !== undefined) {
    return fail('invalid_request', { field: 'jwks', reason: 'only for private_key_jwt' });
  }
  return {
    client_id: clientId,
    client_name: name,
    redirect_uris: input.redirectUris,
    post_logout_redirect_uris: postLogout,
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: input.authMethod,
    ...(jwks ? { jwks } : {}),
    ...(input.backchannelLogoutUri ? { backchannel_logout_uri: input.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    ...(types.length > 0 ? { authorization_details_types: types } : {}),
  };
}

/** Registers a relying party; a `client_secret_basic` one gets its secret here, once. */
export async function registerClient(
  deps: Pick<Deps, 'random' | 'clock' | 'secrets' | 'store'>,
  store: FederationStore,
  input: ClientRegistration,
  rules: RegistrationRules,
  actor: string,
): Promise<{ clientId: string; clientSecret?: string; metadata: Record<string, unknown> } | Failure> {
  const clientId = `kc_${newId(deps.random, 12)}`;
  const metadata = clientMetadata(input, clientId, rules);
  if ('failure' in metadata) return metadata as Failure;
  const clientSecret = input.authMethod === 'client_secret_basic' ? newId(deps.random, 32) : undefined;
  const stored = clientSecret ? { ...metadata, client_secret_sealed: encryptSecret(deps.secrets.encryptionKey, deps.random, sealContext(clientId), Buffer.from(clientSecret)) } : metadata;
  await store.models.upsert(CLIENT_MODEL, clientId, stored, null, {});
  await recordAudit(deps, null, 'oidc_client_registered', { clientId, name: metadata.client_name, authMethod: input.authMethod, redirectUris: input.redirectUris }, actor);
  return { clientId, ...(clientSecret ? { clientSecret } : {}), metadata };
}

/** The provider's view of a stored client: the secret opened (it compares it), the sealed copy left out. */
export function openClient(deps: Pick<Deps, 'secrets'>, clientId: string, stored: Record<string, unknown>): Record<string, unknown> {
  const { client_secret_sealed: sealed, ...metadata } = stored;
  if (typeof sealed !== 'string') return metadata;
  return { ...metadata, client_secret: decryptSecret(deps.secrets.encryptionKey, sealContext(clientId), sealed).toString('utf8') };
}

export async function listClients(deps: Pick<Deps, 'clock'>, store: FederationStore) {
  const rows = await store.models.list(CLIENT_MODEL, deps.clock.now());
  return rows.map((row) => {
    const { client_secret_sealed: _sealed, ...metadata } = row.payload;
    return metadata;
  });
}

export async function removeClient(deps: Pick<Deps, 'clock' | 'store'>, store: FederationStore, clientId: string, actor: string): Promise<true | Failure> {
  const found = await store.models.find(CLIENT_MODEL, clientId, deps.clock.now());
  if (!found) return fail('not_found');
  await store.models.destroy(CLIENT_MODEL, clientId);
  await recordAudit(deps, null, 'oidc_client_removed', { clientId }, actor);
  return true;
}
