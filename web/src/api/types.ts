// The shapes of docs/api.md, as the portal reads them.

export type MfaMethod = 'none' | 'sms' | 'totp' | 'passkey';
export type MfaScope = 'login' | 'all';

export interface Customer {
  loginId: string;
  name: string;
  email: string;
  phone: { last4: string; type: 'mobile' | 'landline'; verified: boolean } | null;
  mfa: { method: MfaMethod; scope: MfaScope; requiredByPolicy: boolean };
}

export type ChallengeMethod =
  | { type: 'sms'; phoneLast4: string }
  | { type: 'voice'; phoneLast4: string }
  | { type: 'totp' }
  | { type: 'passkey' }
  | { type: 'recovery_code' };

export interface Challenge {
  id: string;
  purpose: string;
  summary: string;
  expiresAt: string;
  methods: ChallengeMethod[];
}

export interface CodeSent {
  phoneLast4: string;
  codeExpiresAt: string;
  resendAfter: string;
  resendAfterSeconds: number;
}

export type LoginResult = { status: 'signed_in'; customer: Customer } | { status: 'second_factor_required'; challenge: Challenge };

export interface Availability {
  available: boolean;
  reason?: string;
}

export interface MfaSettings {
  method: MfaMethod;
  scope: MfaScope;
  requiredByPolicy: boolean;
  available: { sms: Availability; totp: Availability; passkey: Availability };
}

export interface BankAccount {
  bankName: string;
  branchName: string;
  accountNumber: string;
  holderName: string;
  last4?: string;
}

export interface Profile {
  name: string;
  email: string;
  address: string | null;
  bankAccount: BankAccount | null;
}

export interface Holding {
  symbol: string;
  name: string;
  quantity: number;
  price: number;
  value: number;
}

export interface Account {
  cash: { available: number; pending: number };
  holdings: Holding[];
  totalValue: number;
}

export interface Instrument {
  symbol: string;
  name: string;
  price: number;
}

export interface Withdrawal {
  id: string;
  amount: number;
  status: string;
  bankAccount: { last4: string };
}

export interface LoginEvent {
  at: string;
  address: string;
  userAgent: string;
  result: string;
}

export interface SecurityEvent {
  id: number;
  at: string;
  action: string;
  actor: string;
  detail: unknown;
}

export interface CashEntry {
  id: number;
  at: string;
  type: string;
  amount: number;
  balance: number;
  reference: string | null;
}

export interface Order {
  id: string;
  symbol: string;
  name: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  amount: number;
  status: string;
  executedAt: string;
}
