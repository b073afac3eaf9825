import type { Deps } from './context.js';
import { hmacHex, newId } from './crypto.js';
import { formatJst, queueNotice, withinTransaction } from './notices.js';
import type { CustomerRecord } from './types.js';

// New-device sign-in (security.md: notices). A browser carries a long-lived random device token
// (cookie); the database keeps only its keyed hash per customer. A sign-in with a token this
// customer never completed a sign-in with sends ログインのお知らせ.

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function deviceHash(deps: Deps, token: string): string {
  return hmacHex(deps.secrets.codeKey, `device:${token}`);
}

/** A well-formed token from the client, or undefined (a forged or truncated one counts as none). */
export function validDeviceToken(token: string | undefined): string | undefined {
  return token !== undefined && TOKEN_PATTERN.test(token) ? token : undefined;
}

/** A stable name for a device's token in counters (never the token itself). */
export function deviceKey(deps: Deps, token: string | undefined): string | undefined {
  const valid = validDeviceToken(token);
  return valid === undefined ? undefined : deviceHash(deps, valid);
}

export async function isKnownDevice(deps: Deps, customerId: string, token: string | undefined): Promise<boolean> {
  const valid = validDeviceToken(token);
  return valid !== undefined && deps.store.factors.isKnownDevice(customerId, deviceHash(deps, valid));
}

/**
 * After a completed sign-in: remember the device, and tell the customer when it is new. Returns the
 * token the browser keeps (its own, or a fresh one).
 */
export async function recordDeviceSignIn(deps: Deps, customer: CustomerRecord, client: { address: string; userAgent: string; deviceToken?: string }): Promise<string> {
  const token = validDeviceToken(client.deviceToken) ?? newId(deps.random, 32);
  const known = await isKnownDevice(deps, customer.id, token);
  const now = deps.clock.now();
  // The device and the sign-in notice commit together (durable outbox).
  await withinTransaction(deps, async (deps) => {
    await deps.store.factors.rememberDevice(customer.id, deviceHash(deps, token), now);
    if (!known) await queueNotice(deps, customer, 'new_device_login', { at: formatJst(now), address: client.address, userAgent: client.userAgent.slice(0, 200) || '(unknown)' });
  });
  return token;
}
