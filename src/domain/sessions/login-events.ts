import type { Deps } from '../kernel/context.js';
import { sortableId } from '../kernel/crypto.js';
import type { LoginEvent } from '../kernel/types.js';

// ログイン履歴: one row per sign-in step, written by the password check, the passkey sign-in and the
// login challenge's second factor (a wrong code is `second_factor_failed`).

export interface Client {
  address: string;
  userAgent: string;
  /** The browser's long-lived device cookie, when it has one (new-device notices). */
  deviceToken?: string;
}

export async function logEvent(
  deps: Pick<Deps, 'store' | 'clock' | 'random'>,
  customerId: string | null,
  loginId: string,
  client: Client,
  result: LoginEvent['result'],
): Promise<void> {
  const at = deps.clock.now();
  await deps.store.loginEvents.add({
    id: sortableId(at, deps.random),
    customerId,
    loginId: loginId.slice(0, 64),
    at,
    address: client.address,
    userAgent: client.userAgent.slice(0, 256),
    result,
  });
}
