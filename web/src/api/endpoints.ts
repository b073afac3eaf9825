import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { api } from './client';
import type { components, operations } from './schema';
import type { Account, CashEntry, Challenge, CodeSent, Customer, Held, Instrument, LoginEvent, LoginResult, LoginSummary, MfaMethod, MfaScope, MfaSettings, Order, Profile, SecurityEvent, Verified, Withdrawal } from './types';

// One function per endpoint of the v1 API the portal uses; every write the portal makes is here
// (or in factors.ts), none in a page. Request bodies are the generated ones (schema.ts).

/** The JSON body an operation of the OpenAPI document takes. */
export type RequestBody<Operation extends keyof operations> = operations[Operation] extends { requestBody: { content: { 'application/json': infer Body } } } ? Body : never;

/** `challengeId` once the step-up check passed (hooks/useStepUp.ts), nothing before. */
export const withChallengeId = (challengeId?: string) => (challengeId ? { challengeId } : {});

export const signIn = (loginId: string, password: string) => api.post<LoginResult>('/api/v1/login', { loginId, password } satisfies RequestBody<'signIn'>);
export const signOut = () => api.post<void>('/api/v1/logout');
export const fetchMe = () => api.get<Customer>('/api/v1/me');

export const sendCode = (challenge: Challenge, channel: 'sms' | 'voice') => api.post<CodeSent>(`/api/v1/challenges/${encodeURIComponent(challenge.id)}/${channel}`);
export const verifyCode = (challenge: Challenge, channel: 'sms' | 'voice', code: string) =>
  api.post<Verified>(`/api/v1/challenges/${encodeURIComponent(challenge.id)}/verify`, { method: channel, code } satisfies RequestBody<'verifyChallenge'>);

export const fetchMfaSettings = () => api.get<MfaSettings>('/api/v1/settings/mfa');
export const putMfaSettings = (method: MfaMethod, scope: MfaScope, tradingPassword: string, challengeId?: string) =>
  api.put<MfaSettings>('/api/v1/settings/mfa', { method, scope, tradingPassword, ...withChallengeId(challengeId) } satisfies RequestBody<'changeMfaSettings'>);
export const fetchProfile = () => api.get<Profile>('/api/v1/settings/profile');
export const fetchAccount = () => api.get<Account>('/api/v1/account');
export const fetchInstruments = () => api.get<Instrument[]>('/api/v1/instruments');

/** 登録情報の変更: one of e-mail, address or bank account. */
export type ProfileChange = Pick<RequestBody<'changeProfile'>, 'email'> | Pick<RequestBody<'changeProfile'>, 'address'> | Required<Pick<RequestBody<'changeProfile'>, 'bankAccount'>>;
export const putProfile = (change: ProfileChange, tradingPassword: string, challengeId?: string) =>
  api.put<Profile>('/api/v1/settings/profile', { ...change, tradingPassword, ...withChallengeId(challengeId) } satisfies RequestBody<'changeProfile'>);
export const putPhone = (phone: string, tradingPassword: string, challengeId?: string) =>
  api.put<Customer>('/api/v1/settings/phone', { phone, tradingPassword, ...withChallengeId(challengeId) } satisfies RequestBody<'changePhone'>);
export const putPassword = (kind: 'login' | 'trading', currentPassword: string, newPassword: string, challengeId?: string) =>
  api.put<{ status: 'changed' }>(`/api/v1/settings/${kind === 'login' ? 'password' : 'trading-password'}`, {
    currentPassword,
    newPassword,
    ...withChallengeId(challengeId),
  } satisfies RequestBody<'changePassword'> & RequestBody<'changeTradingPassword'>);

/** 注文: the trading password alone guards it (the orders route takes no step-up challenge). */
export const placeOrder = (order: RequestBody<'placeOrder'>) => api.post<Order | Held>('/api/v1/orders', order);
/** 出金: the same idempotency key for the first try and the repeat with `challengeId`. */
export const requestWithdrawal = (withdrawal: Omit<RequestBody<'requestWithdrawal'>, 'challengeId'>, challengeId?: string) =>
  api.post<Withdrawal | Held>('/api/v1/withdrawals', { ...withdrawal, ...withChallengeId(challengeId) } satisfies RequestBody<'requestWithdrawal'>);

export const fetchLoginHistory = (limit = 50) => api.get<LoginEvent[]>(`/api/v1/history/logins?limit=${limit}`);
export const fetchLoginSummary = () => api.get<LoginSummary>('/api/v1/history/logins/summary');
export const fetchSecurityHistory = () => api.get<SecurityEvent[]>('/api/v1/history/security?limit=100');
export const fetchCashHistory = () => api.get<CashEntry[]>('/api/v1/history/cash?limit=100');
export const fetchOrderHistory = () => api.get<Order[]>('/api/v1/history/orders?limit=100');

// The customer's own defences (issue 16): ログイン中の端末, 取引制限, 「心当たりがない」, notices, recovery.
type Schemas = components['schemas'];
export type SessionEntry = Schemas['SessionEntry'];
export type KnownDevice = Schemas['KnownDevice'];
export type Freeze = Schemas['Freeze'];
export type FreezeLevel = RequestBody<'freeze'>['levels'][number];

export const fetchSessions = () => api.get<{ sessions: SessionEntry[] }>('/api/v1/sessions');
export const endSession = (id: string) => api.delete<{ status: 'ended' }>(`/api/v1/sessions/${encodeURIComponent(id)}`, {});
export const endOtherSessions = () => api.post<{ status: 'ended' }>('/api/v1/sessions/end-others');
export const fetchDevices = () => api.get<{ devices: KnownDevice[] }>('/api/v1/devices');
export const removeDevice = (id: string) => api.delete<{ status: 'removed' }>(`/api/v1/devices/${encodeURIComponent(id)}`, {});
export const fetchNoticePreferences = () => api.get<{ everySignIn: boolean }>('/api/v1/settings/notices');
export const putNoticePreferences = (everySignIn: boolean) => api.put<{ everySignIn: boolean }>('/api/v1/settings/notices', { everySignIn } satisfies RequestBody<'changeNoticePreferences'>);

export const fetchFreeze = () => api.get<Freeze>('/api/v1/protection');
export const freeze = (levels: FreezeLevel[]) => api.post<Freeze>('/api/v1/protection/freeze', { levels } satisfies RequestBody<'freeze'>);
/** 解除: the browser's passkey signs this lift (its levels, this session) and nothing else. */
export async function unfreezeWithPasskey(levels: FreezeLevel[]): Promise<Freeze> {
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/protection/unfreeze/options', { levels });
  const response = await startAuthentication({ optionsJSON: options });
  return api.post<Freeze>('/api/v1/protection/unfreeze', { levels, response });
}
export const reportNotMe = () => api.post<{ status: 'reported' }>('/api/v1/protection/not-me');
export const freezeWithCode = (loginId: string, code: string, notMe: boolean) =>
  api.post<{ status: 'frozen' }>('/api/v1/protection/freeze-code', { loginId, code, notMe } satisfies RequestBody<'freezeWithCode'>);

export const startPasswordRecovery = (loginId: string) => api.post<{ recoveryId: string; expiresAt: string }>('/api/v1/recovery/password', { loginId });
export const sendRecoveryCode = (id: string) => api.post<{ status: 'sent' }>(`/api/v1/recovery/password/${encodeURIComponent(id)}/sms`);
export type RecoveryProof = Omit<RequestBody<'completePasswordRecovery'>, 'passkey'>;
export const completePasswordRecovery = (id: string, proof: RecoveryProof) => api.post<{ status: 'recovered' }>(`/api/v1/recovery/password/${encodeURIComponent(id)}/complete`, proof);
export async function recoverWithPasskey(id: string, newPassword: string): Promise<{ status: 'recovered' }> {
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>(`/api/v1/recovery/password/${encodeURIComponent(id)}/passkey-options`);
  const passkey = await startAuthentication({ optionsJSON: options });
  return api.post(`/api/v1/recovery/password/${encodeURIComponent(id)}/complete`, { newPassword, passkey });
}
export const remindLoginId = (email: string) => api.post<{ status: 'sent' }>('/api/v1/recovery/login-id', { email } satisfies RequestBody<'remindLoginId'>);

/** パスキーの自動入力 (WebAuthn conditional mediation): resolves when the customer picks a passkey in the login ID field's autofill. */
export async function signInWithPasskeyAutofill(): Promise<{ status: 'signed_in'; customer: Customer } | null> {
  if (typeof window.PublicKeyCredential?.isConditionalMediationAvailable !== 'function' || !(await window.PublicKeyCredential.isConditionalMediationAvailable())) return null;
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/login/passkey-options');
  const response = await startAuthentication({ optionsJSON: options, useBrowserAutofill: true });
  return api.post('/api/v1/login/passkey', { response });
}
/** ログイン一時停止の解除 from the sign-in page: the passkey says whose freeze it is. */
export async function liftSignInFreeze(): Promise<{ status: 'lifted' }> {
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/protection/unfreeze-sign-in/options');
  const response = await startAuthentication({ optionsJSON: options });
  return api.post('/api/v1/protection/unfreeze-sign-in', { response });
}
/** メールアドレスの変更: the code sent to the new address makes it take effect. */
export const confirmEmailChange = (code: string) => api.post<{ email: string }>('/api/v1/settings/email/confirm', { code });

/** The OpenID Provider's sign-in and approval (docs/oidc.md): what the relying party asks, and the answers. */
export type FederationDetails = operations['getFederationInteractionsByUidDetails']['responses'][200]['content']['application/json'];
export type FederationRedirect = { status: 'redirect'; redirectTo: string };
const interaction = (uid: string) => `/api/v1/federation/interactions/${encodeURIComponent(uid)}`;
export const fetchFederation = (uid: string) => api.get<FederationDetails>(`${interaction(uid)}/details`);
export const continueFederation = (uid: string) => api.post<FederationRedirect>(`${interaction(uid)}/continue`, {});
export const abortFederation = (uid: string) => api.post<FederationRedirect>(`${interaction(uid)}/abort`, {});
export const verifyFederation = (uid: string, body: RequestBody<'postFederationInteractionsByUidVerify'>) => api.post<FederationRedirect>(`${interaction(uid)}/verify`, body);
