import { hkdfSync } from 'node:crypto';
import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { newId } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import type { Secrets } from '../kernel/crypto.js';
import { decryptSecret, encryptSecret } from '../factors/encryption.js';
import { PUBLIC_TYPES } from './event-types.js';
import type { Delivery, DeliveryStatus, FeedStore, WebhookEndpoint } from './feed-store.js';

// Registered webhook endpoints (admin API and `kabuto webhooks`): each gets a Standard Webhooks signing
// secret (`whsec_` + 32 random bytes, base64), shown once, stored sealed. Rotation keeps the previous
// secret signing alongside the new one for a day, so a receiver can switch over without losing a message.

export interface FeedSettings {
  /** Plain http:// endpoints allowed (development and test); production wants https://. */
  allowHttp: boolean;
}

export type EndpointDeps = Pick<Deps, 'store' | 'clock' | 'random' | 'secrets'> & { feed: FeedStore; settings: FeedSettings };

export const ROTATION_OVERLAP_MS = 24 * 3600_000;

/** The key secrets are sealed with: derived from KABUTO_SECRET, for this purpose only. */
function sealingKey(secrets: Secrets): Buffer {
  return Buffer.from(hkdfSync('sha256', secrets.encryptionKey, Buffer.alloc(0), 'kabuto:webhook-secrets', 32));
}

export function sealSecret(deps: Pick<Deps, 'random' | 'secrets'>, endpointId: string, secret: string): string {
  return encryptSecret(sealingKey(deps.secrets), deps.random, `webhook:${endpointId}`, Buffer.from(secret));
}

export function openSecret(deps: Pick<Deps, 'secrets'>, endpointId: string, sealed: string): string {
  return decryptSecret(sealingKey(deps.secrets), `webhook:${endpointId}`, sealed).toString();
}

function newSecret(deps: Pick<Deps, 'random'>): string {
  return `whsec_${deps.random.bytes(32).toString('base64')}`;
}

/** What the admin API and the CLI show of an endpoint (never its secret). */
export function viewEndpoint(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.types,
    status: endpoint.status,
    createdAt: new Date(endpoint.createdAt).toISOString(),
    previousSecretUntil: endpoint.previousUntil === null ? null : new Date(endpoint.previousUntil).toISOString(),
  };
}

export function checkUrl(settings: FeedSettings, raw: string): URL | Failure {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('invalid_request', { field: 'url', reason: 'not a URL' });
  }
  if (url.protocol !== 'https:' && !(settings.allowHttp && url.protocol === 'http:')) {
    return fail('invalid_request', { field: 'url', reason: settings.allowHttp ? 'must be http:// or https://' : 'must be https://' });
  }
  if (url.username || url.password) return fail('invalid_request', { field: 'url', reason: 'must not hold credentials' });
  if (url.hash) return fail('invalid_request', { field: 'url', reason: 'must not hold a fragment' });
  return url;
}

function checkTypes(types: readonly string[]): string[] | Failure {
  const unknown = types.find((t) => !PUBLIC_TYPES.includes(t));
  if (unknown !== undefined) return fail('invalid_request', { field: 'events', reason: `unknown event type ${JSON.stringify(unknown).slice(0, 80)}` });
  return [...new Set(types)].sort();
}

async function audited(deps: EndpointDeps, actor: string, endpoint: string, change: string): Promise<void> {
  await recordAudit(deps, null, 'webhook_changed', { endpoint, change }, actor);
}

/** A new endpoint; its secret is in the answer and nowhere else in clear. Starts at the chain's head. */
export async function addEndpoint(deps: EndpointDeps, input: { url: string; events?: readonly string[] }, actor: string): Promise<{ endpoint: WebhookEndpoint; secret: string } | Failure> {
  const url = checkUrl(deps.settings, input.url);
  if ('failure' in url) return url;
  const types = checkTypes(input.events ?? []);
  if ('failure' in types) return types;
  const id = `ep_${newId(deps.random, 12)}`;
  const secret = newSecret(deps);
  const endpoint: WebhookEndpoint = {
    id,
    url: url.toString(),
    types,
    status: 'active',
    secretSealed: sealSecret(deps, id, secret),
    previousSealed: null,
    previousUntil: null,
    cursor: await deps.feed.headSeq(),
    createdAt: deps.clock.now(),
  };
  await deps.feed.insertEndpoint(endpoint);
  await audited(deps, actor, id, 'added');
  return { endpoint, secret };
}

export async function listEndpoints(deps: Pick<EndpointDeps, 'feed'>) {
  return (await deps.feed.listEndpoints()).map(viewEndpoint);
}

async function found(deps: Pick<EndpointDeps, 'feed'>, id: string): Promise<WebhookEndpoint | Failure> {
  return (await deps.feed.findEndpoint(id)) ?? fail('not_found');
}

/** Disabled: nothing is delivered (events are still queued for it, and go when it is enabled again). */
export async function setEndpointStatus(deps: EndpointDeps, id: string, status: 'active' | 'disabled', actor: string) {
  const endpoint = await found(deps, id);
  if ('failure' in endpoint) return endpoint;
  await deps.feed.updateEndpoint(id, { status });
  await audited(deps, actor, id, status === 'active' ? 'enabled' : 'disabled');
  return viewEndpoint({ ...endpoint, status });
}

/** A new secret, shown once; the old one keeps signing alongside it for ROTATION_OVERLAP_MS. */
export async function rotateSecret(deps: EndpointDeps, id: string, actor: string): Promise<{ endpoint: ReturnType<typeof viewEndpoint>; secret: string } | Failure> {
  const endpoint = await found(deps, id);
  if ('failure' in endpoint) return endpoint;
  const secret = newSecret(deps);
  const previousUntil = deps.clock.now() + ROTATION_OVERLAP_MS;
  const patch = { secretSealed: sealSecret(deps, id, secret), previousSealed: endpoint.secretSealed, previousUntil };
  await deps.feed.updateEndpoint(id, patch);
  await audited(deps, actor, id, 'secret_rotated');
  return { endpoint: viewEndpoint({ ...endpoint, ...patch }), secret };
}

export async function deleteEndpoint(deps: EndpointDeps, id: string, actor: string): Promise<{ status: 'deleted' } | Failure> {
  if (!(await deps.feed.deleteEndpoint(id))) return fail('not_found');
  await audited(deps, actor, id, 'deleted');
  return { status: 'deleted' };
}

/** Dead-lettered deliveries of an endpoint, due again now with a fresh count of attempts. */
export async function retryDead(deps: EndpointDeps, id: string, actor: string): Promise<{ requeued: number } | Failure> {
  const endpoint = await found(deps, id);
  if ('failure' in endpoint) return endpoint;
  const requeued = await deps.feed.revive(id, deps.clock.now());
  await audited(deps, actor, id, 'retried');
  return { requeued };
}

function viewDelivery(d: Delivery) {
  return {
    eventId: d.eventId,
    cursor: String(d.seq),
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? new Date(d.nextAttemptAt).toISOString() : null,
    lastError: d.lastError,
    deliveredAt: d.deliveredAt === null ? null : new Date(d.deliveredAt).toISOString(),
  };
}

export async function listDeliveries(deps: Pick<EndpointDeps, 'feed'>, id: string, status: DeliveryStatus | undefined, limit: number) {
  const endpoint = await found(deps, id);
  if ('failure' in endpoint) return endpoint;
  return (await deps.feed.deliveries(id, status, limit)).map(viewDelivery);
}
