import type { SecurityPolicy } from './policy.js';
import type { Clock, EmailSender, IpPlaces, Logger, PasswordHasher, RandomSource, SmsSender, VoiceSender } from './ports.js';
import type { Store } from './store.js';
import type { Secrets } from './crypto.js';

export type { Secrets };


/** Events the operator watches; the HTTP layer wires them to Prometheus counters. */
export interface DomainEvents {
  signIn(result: string): void;
  codeSent(channel: string, purpose: string): void;
  verification(result: string): void;
  lock(kind: 'login' | 'trading' | 'factor'): void;
  stepUp(purpose: string, outcome: 'required' | 'passed' | 'mismatch'): void;
  sendAlert(kind: string): void;
  /** A withdrawal request's outcome: `completed`, `pending` (cooling-off), or the refusal's code. */
  withdrawal(status: string): void;
  /** A risk rule fired (`none` when nothing fired): its mode and what it decided (or would have, observed). */
  riskDecision(rule: string, mode: string, outcome: string): void;
  /** A risk alert raised (credential stuffing from one network). */
  riskAlert(kind: string): void;
}

export const noEvents: DomainEvents = {
  signIn() {},
  codeSent() {},
  verification() {},
  lock() {},
  stepUp() {},
  sendAlert() {},
  withdrawal() {},
  riskDecision() {},
  riskAlert() {},
};

/** Everything a domain function may use, passed in explicitly: no singletons, no module mocks. */
export interface Deps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  hasher: PasswordHasher;
  sms: SmsSender;
  voice: VoiceSender | null;
  email: EmailSender;
  logger: Logger;
  policy: SecurityPolicy;
  secrets: Secrets;
  events: DomainEvents;
  /** Offline address → country, city, network (for the sessions list, notices and the risk engine). */
  places: IpPlaces;
  firmName: string;
}
