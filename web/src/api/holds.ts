import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { api } from './client';
import type { operations } from './schema';
import type { Held } from './types';

// The risk engine's holds, as the customer meets them (api.md Holds, docs/risk.md): an order or a withdrawal
// answered 202 waits for the customer's passkey (one past its cooling-off) or for the firm.

export type HeldItem = operations['getHolds']['responses'][200]['content']['application/json'][number];
export type ConfirmedHold = operations['postHoldsByIdConfirm']['responses'][200]['content']['application/json'];

/** An order's or a withdrawal's answer: held (202) rather than done. */
export function isHeld(body: unknown): body is Held {
  return typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'held' && 'hold' in body;
}

export const fetchHolds = () => api.get<HeldItem[]>('/api/v1/holds');

/** The customer's passkey confirms the hold: the held request then runs, and its outcome comes back. */
export async function confirmHoldWithPasskey(holdId: string): Promise<ConfirmedHold> {
  const id = encodeURIComponent(holdId);
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>(`/api/v1/holds/${id}/passkey-options`);
  const response = await startAuthentication({ optionsJSON: options });
  return api.post<ConfirmedHold>(`/api/v1/holds/${id}/confirm`, { response });
}
