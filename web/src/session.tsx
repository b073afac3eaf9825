import { createContext, useContext } from 'react';
import type { Customer } from './api/types';

// The signed-in customer, as GET /api/v1/me last said; the session itself is an HttpOnly cookie.

export interface SessionState {
  customer: Customer;
  setCustomer(customer: Customer): void;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
