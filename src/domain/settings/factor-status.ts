import type { Deps } from '../kernel/context.js';
import { viewPasskey, type PasskeyView } from './passkey-registration.js';

/** Whether an authenticator app is enrolled, or one is waiting for its first code. */
export async function totpStatus(deps: Pick<Deps, 'store'>, customerId: string): Promise<{ enrolled: boolean; pending: boolean }> {
  const record = await deps.store.factors.findTotp(customerId);
  return { enrolled: Boolean(record?.secretEnc), pending: Boolean(record?.pendingEnc) };
}

/** The customer's passkeys as the settings page lists them. */
export async function listPasskeys(deps: Deps, customerId: string): Promise<{ passkeys: PasskeyView[] }> {
  return { passkeys: (await deps.store.factors.listPasskeys(customerId)).map((p) => viewPasskey(p, deps)) };
}
