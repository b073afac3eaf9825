import { api } from './client';
import type { operations } from './schema';
import type { Account, CashEntry, Challenge, CodeSent, Customer, Instrument, LoginEvent, LoginResult, LoginSummary, MfaMethod, MfaScope, MfaSettings, Order, Profile, SecurityEvent, Verified, Withdrawal } from './types';

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
export const placeOrder = (order: RequestBody<'placeOrder'>) => api.post<Order>('/api/v1/orders', order);
/** 出金: the same idempotency key for the first try and the repeat with `challengeId`. */
export const requestWithdrawal = (withdrawal: Omit<RequestBody<'requestWithdrawal'>, 'challengeId'>, challengeId?: string) =>
  api.post<Withdrawal>('/api/v1/withdrawals', { ...withdrawal, ...withChallengeId(challengeId) } satisfies RequestBody<'requestWithdrawal'>);

export const fetchLoginHistory = (limit = 50) => api.get<LoginEvent[]>(`/api/v1/history/logins?limit=${limit}`);
export const fetchLoginSummary = () => api.get<LoginSummary>('/api/v1/history/logins/summary');
export const fetchSecurityHistory = () => api.get<SecurityEvent[]>('/api/v1/history/security?limit=100');
export const fetchCashHistory = () => api.get<CashEntry[]>('/api/v1/history/cash?limit=100');
export const fetchOrderHistory = () => api.get<Order[]>('/api/v1/history/orders?limit=100');

/** The OpenID Provider's sign-in and approval (docs/oidc.md): what the relying party asks, and the answers. */
export type FederationDetails = operations['getFederationInteractionsByUidDetails']['responses'][200]['content']['application/json'];
export type FederationRedirect = { status: 'redirect'; redirectTo: string };
const interaction = (uid: string) => `/api/v1/federation/interactions/${encodeURIComponent(uid)}`;
export const fetchFederation = (uid: string) => api.get<FederationDetails>(`${interaction(uid)}/details`);
export const continueFederation = (uid: string) => api.post<FederationRedirect>(`${interaction(uid)}/continue`, {});
export const abortFederation = (uid: string) => api.post<FederationRedirect>(`${interaction(uid)}/abort`, {});
export const verifyFederation = (uid: string, body: RequestBody<'postFederationInteractionsByUidVerify'>) => api.post<FederationRedirect>(`${interaction(uid)}/verify`, body);
