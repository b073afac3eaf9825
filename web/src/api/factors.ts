import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { api } from './client';
import { withChallengeId } from './endpoints';
import type { Challenge, Customer, Passkey, RecoveryCodesState, TotpEnrolment, Verified } from './types';

// The second-factor endpoints: passkeys, authenticator apps, recovery codes (api.md Settings, Sign-in).

export type { Passkey, RecoveryCodesState, TotpEnrolment };

const withChallenge = (tradingPassword: string, challengeId?: string) => ({ tradingPassword, ...withChallengeId(challengeId) });

export const fetchPasskeys = () => api.get<{ passkeys: Passkey[] }>('/api/v1/settings/passkeys');
export const passkeyCreationOptions = (tradingPassword: string, challengeId?: string) =>
  api.post<PublicKeyCredentialCreationOptionsJSON>('/api/v1/settings/passkeys/options', withChallenge(tradingPassword, challengeId));

/** The browser creates the passkey (Face ID, Touch ID, Windows Hello, a security key), the server keeps its public key. */
export async function createPasskey(options: PublicKeyCredentialCreationOptionsJSON, name: string): Promise<Passkey> {
  const response = await startRegistration({ optionsJSON: options });
  return api.post<Passkey>('/api/v1/settings/passkeys', { name, response });
}

export const removePasskey = (id: string, tradingPassword: string, challengeId?: string) =>
  api.delete<{ status: 'removed' }>(`/api/v1/settings/passkeys/${encodeURIComponent(id)}`, withChallenge(tradingPassword, challengeId));

export async function signInWithPasskey(): Promise<{ status: 'signed_in'; customer: Customer }> {
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/login/passkey-options');
  const response = await startAuthentication({ optionsJSON: options });
  return api.post('/api/v1/login/passkey', { response });
}

export async function verifyWithPasskey(challenge: Challenge): Promise<Verified> {
  const id = encodeURIComponent(challenge.id);
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>(`/api/v1/challenges/${id}/passkey-options`);
  const response = await startAuthentication({ optionsJSON: options });
  return api.post<Verified>(`/api/v1/challenges/${id}/verify`, { method: 'passkey', response });
}

export const verifyWithCode = (challenge: Challenge, method: 'totp' | 'recovery_code', code: string) =>
  api.post<Verified>(`/api/v1/challenges/${encodeURIComponent(challenge.id)}/verify`, { method, code });

export const fetchTotp = () => api.get<{ enrolled: boolean; pending: boolean }>('/api/v1/settings/totp');
export const startTotp = (tradingPassword: string, challengeId?: string) => api.post<TotpEnrolment>('/api/v1/settings/totp', withChallenge(tradingPassword, challengeId));
export const confirmTotp = (code: string) => api.post<{ status: 'enrolled' }>('/api/v1/settings/totp/confirm', { code });

export const fetchRecoveryCodes = () => api.get<RecoveryCodesState>('/api/v1/settings/recovery-codes');
export const generateRecoveryCodes = (tradingPassword: string, challengeId?: string) =>
  api.post<{ codes: string[] }>('/api/v1/settings/recovery-codes', withChallenge(tradingPassword, challengeId));

/** The OpenID Provider's step-up by passkey: the challenge's options, the browser's assertion, the interaction finished. */
export async function verifyFederationWithPasskey(uid: string, challenge: Challenge): Promise<{ status: 'redirect'; redirectTo: string }> {
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>(`/api/v1/challenges/${encodeURIComponent(challenge.id)}/passkey-options`);
  const response = await startAuthentication({ optionsJSON: options });
  return api.post(`/api/v1/federation/interactions/${encodeURIComponent(uid)}/verify`, { challengeId: challenge.id, method: 'passkey', response });
}
