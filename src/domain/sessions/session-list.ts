import type { Deps } from '../kernel/context.js';
import { hmacHex } from '../kernel/crypto.js';
import { fail, type Failure } from '../kernel/errors.js';
import { recordAudit } from '../kernel/audit.js';
import type { CustomerRecord, SessionRecord } from '../kernel/types.js';
import { deviceHashOf } from './new-device.js';
import { endOtherSessions } from './sessions.js';
import { parseUserAgent } from './user-agent.js';

// ログイン中の端末 (issue 16.1): the customer's live sessions and known devices, each named by a
// handle (a keyed hash: the session id itself is half of the cookie, and stays on the server), with
// the browser and OS parsed from the User-Agent, the address and its approximate place (offline data:
// "unknown" for private ranges). Ending a session goes through the sessions repository, the one place
// a revocation reaches every instance's cache.

export interface PlaceView {
  country: string | null;
  city: string | null;
}

export interface SessionView {
  id: string;
  current: boolean;
  browser: string | null;
  os: string | null;
  address: string;
  place: PlaceView;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface DeviceView {
  id: string;
  current: boolean;
  browser: string | null;
  os: string | null;
  address: string | null;
  place: PlaceView;
  firstSeenAt: string;
  lastSeenAt: string;
  trustedUntil: string;
  trusted: boolean;
}

function handle(deps: Pick<Deps, 'secrets'>, kind: string, id: string): string {
  return hmacHex(deps.secrets.codeKey, `${kind}-handle:${id}`).slice(0, 32);
}

export function placeOf(deps: Pick<Deps, 'places'>, address: string | null): PlaceView {
  const place = address ? deps.places.lookup(address) : {};
  return { country: place.country ?? null, city: place.city ?? null };
}

/** Whether a stored session is live for its customer now (resolveSession's rules, without the cache). */
function live(deps: Pick<Deps, 'clock' | 'policy'>, customer: CustomerRecord, session: SessionRecord): boolean {
  const now = deps.clock.now();
  return session.credentialVersion >= customer.credentialVersion && now - session.lastSeenAt < deps.policy.sessionIdleMs && now - session.createdAt < deps.policy.sessionAbsoluteMs;
}

async function liveSessions(deps: Pick<Deps, 'store' | 'clock' | 'policy'>, customer: CustomerRecord): Promise<SessionRecord[]> {
  return (await deps.store.sessions.listForCustomer(customer.id)).filter((session) => live(deps, customer, session));
}

export async function listSessions(deps: Pick<Deps, 'store' | 'clock' | 'policy' | 'secrets' | 'places'>, customer: CustomerRecord, current: SessionRecord): Promise<{ sessions: SessionView[] }> {
  const sessions = await liveSessions(deps, customer);
  return {
    sessions: sessions.map((session) => ({
      id: handle(deps, 'session', session.id),
      // A step-up rotates the token: the browser is the same lineage.
      current: session.lineageId === current.lineageId,
      ...parseUserAgent(session.userAgent),
      address: session.address,
      place: placeOf(deps, session.address),
      // A session's first sign-in is its lineage's; a rotation keeps createdAt.
      firstSeenAt: new Date(session.createdAt).toISOString(),
      lastSeenAt: new Date(session.lastSeenAt).toISOString(),
    })),
  };
}

/** ログアウト of one other session (the current one signs out through /logout). */
export async function endSessionOf(deps: Pick<Deps, 'store' | 'clock' | 'policy' | 'secrets'>, customer: CustomerRecord, current: SessionRecord, id: string): Promise<{ status: 'ended' } | Failure> {
  const session = (await liveSessions(deps, customer)).find((s) => handle(deps, 'session', s.id) === id);
  if (!session) return fail('not_found');
  if (session.lineageId === current.lineageId) return fail('invalid_request', { field: 'id', reason: 'the current session signs out through /api/v1/logout' });
  await deps.store.sessions.delete(session.id);
  await recordAudit(deps, customer.id, 'session_ended', { address: session.address });
  return { status: 'ended' };
}

/** 他の端末をすべてログアウト: every other session ends (and a sign-in racing it, by the credential version). */
export async function endOtherSessionsOf(deps: Pick<Deps, 'store' | 'clock'>, customer: CustomerRecord, current: SessionRecord): Promise<{ status: 'ended' }> {
  await endOtherSessions(deps, current);
  await recordAudit(deps, customer.id, 'other_sessions_ended', {});
  return { status: 'ended' };
}

export async function listDevices(deps: Pick<Deps, 'store' | 'clock' | 'policy' | 'secrets' | 'places'>, customer: CustomerRecord, deviceToken: string | undefined): Promise<{ devices: DeviceView[] }> {
  const mine = deviceHashOf(deps, deviceToken);
  const now = deps.clock.now();
  const devices = await deps.store.factors.listDevices(customer.id);
  return {
    devices: devices.map((device) => {
      const until = device.trustedAt + deps.policy.deviceTrustMs;
      return {
        id: handle(deps, 'device', device.deviceHash),
        current: device.deviceHash === mine,
        ...parseUserAgent(device.userAgent ?? ''),
        address: device.address,
        place: placeOf(deps, device.address),
        firstSeenAt: new Date(device.firstSeenAt).toISOString(),
        lastSeenAt: new Date(device.lastSeenAt).toISOString(),
        trustedUntil: new Date(until).toISOString(),
        trusted: until > now,
      };
    }),
  };
}

/** 端末の削除: the device is forgotten; its next sign-in counts as a new device. */
export async function removeDevice(deps: Pick<Deps, 'store' | 'clock' | 'secrets'>, customer: CustomerRecord, id: string): Promise<{ status: 'removed' } | Failure> {
  const device = (await deps.store.factors.listDevices(customer.id)).find((d) => handle(deps, 'device', d.deviceHash) === id);
  if (!device || (await deps.store.factors.forgetDevices(customer.id, device.deviceHash)) === 0) return fail('not_found');
  await recordAudit(deps, customer.id, 'device_removed', { address: device.address });
  return { status: 'removed' };
}
