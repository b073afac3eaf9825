import { createServer as createNetServer } from 'node:net';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { expect } from 'vitest';
import * as oidc from 'openid-client';
import type { TestServer, TestServerOptions } from '../../support/harness.js';
import { rememberSecret } from '../../support/known-secrets.js';

// A relying party (panva's openid-client, over real HTTP) and a browser that follows redirects by hand
// (its cookie jar sees every Set-Cookie on the way), for the OpenID Provider's tests.

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A test server with the OpenID Provider on, at an origin it knows before it starts. */
export async function oidcServerOptions(extra: TestServerOptions = {}): Promise<TestServerOptions> {
  const port = await freePort();
  return { ...extra, port, env: { KABUTO_PUBLIC_ORIGIN: `http://127.0.0.1:${port}`, KABUTO_OIDC_ISSUER: '1', ...extra.env } };
}

export const issuerOf = (server: TestServer) => `${server.url}/oidc`;

/** A browser: a cookie jar, redirects followed one by one. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  private remember(response: Response) {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { 'user-agent': 'kabuto-test-browser', ...(cookie ? { cookie } : {}), ...extra };
  }

  /** Follows redirects until one leaves Kabuto (the relying party's callback) or reaches a portal page. */
  async navigate(url: string): Promise<URL> {
    let current = new URL(url, this.origin);
    for (let hop = 0; hop < 10; hop++) {
      if (current.origin !== this.origin || current.pathname.startsWith('/federation/')) return current;
      const response = await fetch(current, { redirect: 'manual', headers: this.headers() });
      this.remember(response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        throw new Error(`navigation stopped at ${current.href}: ${response.status} ${await response.text()}`);
      }
      current = new URL(location, current);
    }
    throw new Error('too many redirects');
  }

  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(new URL(path, this.origin), {
      method,
      redirect: 'manual',
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json', origin: this.origin }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.remember(response);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
}

export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
}

export async function registerClient(server: TestServer, input: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const redirectUri = 'http://127.0.0.1:9/callback';
  const response = await server.admin().post('/api/admin/v1/oidc/clients', {
    name: 'トレードサイト',
    authMethod: 'client_secret_basic',
    redirectUris: [redirectUri],
    ...input,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  if (response.body.clientSecret) rememberSecret(response.body.clientSecret);
  return { clientId: response.body.clientId, clientSecret: response.body.clientSecret, redirectUri };
}

/** openid-client's discovery: it validates the document (issuer, endpoints) as a relying party would. */
export async function discover(server: TestServer, client: RegisteredClient, auth?: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuerOf(server)), client.clientId, client.clientSecret, auth ?? oidc.ClientSecretBasic(client.clientSecret!), { execute: [oidc.allowInsecureRequests] });
}

export interface Authorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationUrl(config: oidc.Configuration, client: RegisteredClient, parameters: Record<string, string> = {}): Promise<Authorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...parameters,
  });
  return { url, verifier, state, nonce };
}

export async function exchange(config: oidc.Configuration, callback: URL, authorization: Authorization) {
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: authorization.verifier, expectedState: authorization.state, expectedNonce: authorization.nonce });
}

/** The uid of the portal page the browser reached. */
export function uidOf(page: URL): string {
  expect(page.pathname).toMatch(/^\/federation\//);
  return page.pathname.split('/')[2]!;
}

/** A back-channel logout receiver: collects the logout tokens POSTed to it. */
export async function logoutReceiver(): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) tokens.push(token);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/backchannel-logout`, tokens, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Waits (by polling, no fixed delay asserted) until `probe` is true. */
export async function eventually(probe: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

export function decodeJwt(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

export function headerOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
}
