import type { Deps } from '../kernel/context.js';
import { constantTimeEqual, hmacHex, newId } from '../kernel/crypto.js';
import { formatJst, queueNotice } from '../kernel/notices.js';
import type { KnownDeviceFacts } from '../kernel/store.js';
import type { CustomerRecord } from '../kernel/types.js';
import { describeUserAgent } from './user-agent.js';

/** The approximate place of an address for a notice: a country code from offline data, or "unknown". */
export function describePlace(deps: Pick<Deps, 'places'>, address: string): string {
  const place = deps.places.lookup(address);
  return place.country ? `${place.country}${place.city ? ` (${place.city.replace(/[^\p{L}\p{N} .'-]/gu, '').slice(0, 40)})` : ''}` : '不明 (unknown)';
}

// New-device sign-in (security.md: notices). A browser carries a long-lived device token (cookie)
// that only the server issues: a random part and its MAC under the server's key, so a value the
// client chose is never accepted or registered. The database keeps only the token's keyed hash per
// customer. A sign-in with a token this customer never completed a sign-in with sends ログインのお知らせ.

const RANDOM_PART = /^[A-Za-z0-9_-]{43}$/;
const ISSUED = /^([A-Za-z0-9_-]{43})\.([0-9a-f]{32})$/;

function deviceHash(deps: Pick<Deps, 'secrets'>, token: string): string {
  return hmacHex(deps.secrets.codeKey, `device:${token}`);
}

function mac(deps: Pick<Deps, 'secrets'>, randomPart: string): string {
  return hmacHex(deps.secrets.codeKey, `device-token:${randomPart}`).slice(0, 32);
}

function issueDeviceToken(deps: Pick<Deps, 'random' | 'secrets'>): string {
  const randomPart = newId(deps.random, 32);
  return `${randomPart}.${mac(deps, randomPart)}`;
}

/** A token this server issued, or undefined (a forged, truncated or client-chosen one counts as none). */
function issuedToken(deps: Pick<Deps, 'secrets'>, token: string | undefined): string | undefined {
  const parts = token?.match(ISSUED);
  return parts && constantTimeEqual(parts[2]!, mac(deps, parts[1]!)) ? token : undefined;
}

/**
 * The client's token as far as it may name a device: one the server issued, or a token of the
 * earlier unsigned form (still recognised where the customer registered it before, never registered anew).
 */
export function validDeviceToken(deps: Pick<Deps, 'secrets'>, token: string | undefined): string | undefined {
  return issuedToken(deps, token) ?? (token !== undefined && RANDOM_PART.test(token) ? token : undefined);
}

/** A stable name for a device's token in counters (never the token itself). */
export function deviceKey(deps: Pick<Deps, 'secrets'>, token: string | undefined): string | undefined {
  const valid = validDeviceToken(deps, token);
  return valid === undefined ? undefined : deviceHash(deps, valid);
}

/**
 * A device this customer completed a sign-in with, whose trust has not expired: trust lasts
 * KABUTO_DEVICE_TRUST_DAYS (90 days) from the sign-in that found it new, after which the device counts
 * as new again (a second factor where new devices need one, the notice) and its next sign-in renews it.
 */
export async function isKnownDevice(deps: Pick<Deps, 'store' | 'secrets' | 'clock' | 'policy'>, customerId: string, token: string | undefined): Promise<boolean> {
  const valid = validDeviceToken(deps, token);
  return valid !== undefined && deps.store.factors.isKnownDevice(customerId, deviceHash(deps, valid), deps.clock.now() - deps.policy.deviceTrustMs);
}

/** The keyed hash naming the device of this browser's token (undefined for none or a forged one). */
export function deviceHashOf(deps: Pick<Deps, 'secrets'>, token: string | undefined): string | undefined {
  const valid = validDeviceToken(deps, token);
  return valid === undefined ? undefined : deviceHash(deps, valid);
}

/** When this customer last completed a sign-in with the client's device; undefined: a device never seen (or no valid token). */
export async function deviceLastSeen(deps: Pick<Deps, 'store' | 'secrets'>, customerId: string, token: string | undefined): Promise<number | undefined> {
  const valid = validDeviceToken(deps, token);
  return valid === undefined ? undefined : deps.store.factors.deviceLastSeen(customerId, deviceHash(deps, valid));
}

/** What the password sign-in's lookup read of the client's device (the customers' signInLookup), so it is not read again. */
export interface DeviceRead {
  device: KnownDeviceFacts | undefined;
  noticeOnEverySignIn: boolean;
}

/** A device the lookup found whose trust has not expired: `isKnownDevice` on what was read already. */
export function isTrusted(deps: Pick<Deps, 'clock' | 'policy'>, device: KnownDeviceFacts | undefined): boolean {
  return device !== undefined && device.trustedSince >= deps.clock.now() - deps.policy.deviceTrustMs;
}

/** What a completed sign-in will write about its device, read before its transaction opens. */
export interface DeviceSignIn {
  known: boolean;
  /** The token the browser keeps: its own, or a fresh one. */
  token: string;
  /** The notice to queue (a new device, or every sign-in where the customer asked), with its text's params. */
  notice?: { kind: 'new_device_login' | 'sign_in_notice'; params: Record<string, string> };
}

/**
 * Before a completed sign-in's transaction: whether the device is known, the token to keep, and the
 * notice's text (the place and the browser described here, so no parsing runs inside the transaction).
 */
export async function readDeviceSignIn(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'policy' | 'places'>,
  customer: CustomerRecord,
  client: { address: string; userAgent: string; deviceToken?: string },
  read?: DeviceRead,
): Promise<DeviceSignIn> {
  const known = read ? isTrusted(deps, read.device) : await isKnownDevice(deps, customer.id, client.deviceToken);
  // The customer may ask for a notice on every sign-in (known devices too).
  const everySignIn = known && (read ? read.noticeOnEverySignIn : await deps.store.protection.noticeOnEverySignIn(customer.id));
  // Kept: a token the server issued, or an earlier unsigned one this customer registered already.
  // Anything else the client brought is replaced by a fresh token of ours: it is never registered.
  const token = issuedToken(deps, client.deviceToken) ?? (known ? client.deviceToken! : issueDeviceToken(deps));
  if (known && !everySignIn) return { known, token };
  const params = { at: formatJst(deps.clock.now()), address: client.address, place: describePlace(deps, client.address), userAgent: describeUserAgent(client.userAgent) };
  return { known, token, notice: { kind: known ? 'sign_in_notice' : 'new_device_login', params } };
}

/**
 * Inside a completed sign-in's transaction: remember the device (a new one's trust starts now) and
 * queue its notice, so the device and the notice commit with the session.
 */
export async function writeDeviceSignIn(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'firmName'>, customer: CustomerRecord, client: { address: string; userAgent: string }, device: DeviceSignIn): Promise<void> {
  await deps.store.factors.rememberDevice(customer.id, deviceHash(deps, device.token), deps.clock.now(), { userAgent: client.userAgent.slice(0, 256), address: client.address, renewTrust: !device.known });
  if (device.notice) await queueNotice(deps, customer, device.notice.kind, device.notice.params);
}
