import type { Deps } from '../kernel/context.js';
import { sortableId } from '../kernel/crypto.js';
import { recordAudit } from '../kernel/audit.js';
import { withinTransaction } from '../kernel/notices.js';
import type { LoginEvent } from '../kernel/types.js';

// ログイン履歴: one row per sign-in step, written by the password check, the passkey sign-in and the
// login challenge's second factor (a wrong code is `second_factor_failed`). A sign-in and a refused
// sign-in are audited with the row (one transaction): the event feed reads them from the chain.

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
  const event = {
    id: sortableId(at, deps.random),
    customerId,
    loginId: loginId.slice(0, 64),
    at,
    address: client.address,
    userAgent: client.userAgent.slice(0, 256),
    result,
  };
  // A refused sign-in is audited whether or not the login ID exists (customer null, the ID typed not kept):
  // the same work either way, so the answer's time does not tell a real ID from an unknown one.
  const action = customerId === null && result !== 'invalid_credentials' ? undefined : AUDITED[result];
  if (!action) return deps.store.loginEvents.add(event);
  await withinTransaction(deps, async (deps) => {
    await deps.store.loginEvents.add(event);
    await recordAudit(deps, customerId, action, action === 'signed_in' ? { address: client.address } : { result, address: client.address }, action === 'signed_in' ? 'customer' : 'system');
  });
}

/** The audit action of a login event (a second factor asked for is a step, not an event). */
const AUDITED: Partial<Record<LoginEvent['result'], string>> = {
  signed_in: 'signed_in',
  invalid_credentials: 'sign_in_failed',
  locked: 'sign_in_failed',
  second_factor_failed: 'sign_in_failed',
};
