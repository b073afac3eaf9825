import { api } from './client';
import type { Account, Challenge, CodeSent, Customer, CashEntry, Instrument, Order, LoginEvent, LoginResult, MfaMethod, MfaScope, MfaSettings, Profile, SecurityEvent } from './types';

// One function per endpoint of the v1 API the portal uses.

export const signIn = (loginId: string, password: string) => api.post<LoginResult>('/api/v1/login', { loginId, password });
export const signOut = () => api.post<void>('/api/v1/logout');
export const fetchMe = () => api.get<Customer>('/api/v1/me');

export const sendCode = (challenge: Challenge, channel: 'sms' | 'voice') => api.post<CodeSent>(`/api/v1/challenges/${encodeURIComponent(challenge.id)}/${channel}`);
export const verifyCode = (challenge: Challenge, channel: 'sms' | 'voice', code: string) =>
  api.post<{ status: 'verified' } | { status: 'signed_in'; customer: Customer }>(`/api/v1/challenges/${encodeURIComponent(challenge.id)}/verify`, { method: channel, code });

export const fetchMfaSettings = () => api.get<MfaSettings>('/api/v1/settings/mfa');
export const putMfaSettings = (method: MfaMethod, scope: MfaScope, tradingPassword: string, challengeId?: string) =>
  api.put<MfaSettings>('/api/v1/settings/mfa', { method, scope, tradingPassword, ...(challengeId ? { challengeId } : {}) });
export const fetchProfile = () => api.get<Profile>('/api/v1/settings/profile');
export const fetchAccount = () => api.get<Account>('/api/v1/account');
export const fetchInstruments = () => api.get<Instrument[]>('/api/v1/instruments');

export const fetchLoginHistory = (limit = 50) => api.get<LoginEvent[]>(`/api/v1/history/logins?limit=${limit}`);
export const fetchLoginSummary = () =>
  api.get<{ previous: { at: string; address: string; userAgent: string } | null; failedSince: number; locksSince: number }>('/api/v1/history/logins/summary');
export const fetchSecurityHistory = () => api.get<SecurityEvent[]>('/api/v1/history/security?limit=100');
export const fetchCashHistory = () => api.get<CashEntry[]>('/api/v1/history/cash?limit=100');
export const fetchOrderHistory = () => api.get<Order[]>('/api/v1/history/orders?limit=100');
