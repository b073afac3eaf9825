import type { Deps } from '../kernel/context.js';
import { recordAudit } from '../kernel/audit.js';
import { release, reserve } from '../kernel/reservations.js';
import type { RiskDecisionRecord, RiskSignal } from '../kernel/risk-store.js';
import type { CustomerRecord, LoginEvent } from '../kernel/types.js';
import { deviceLastSeen } from '../sessions/new-device.js';
import type { Client } from '../sessions/login-events.js';
import { riskPolicyOf } from './config.js';
import { countDecision, evaluate, newDecision, recordDecision, signal } from './engine.js';
import { describePlace, distanceKm, networkOf, type NetworkView } from './network.js';
import type { RiskPolicy } from '../kernel/risk-policy.js';

const HOUR = 3_600_000;
/** Sign-ins read for the customer's history (travel, hours, countries): one indexed query, or part of the password sign-in's lookup. */
export const SIGN_IN_HISTORY = 30;

/**
 * Credential stuffing: a place in the network's budget of sign-ins, taken before the password is
 * hashed (reserve before you act) and given back by a right password, so only failures stay counted.
 * Past the budget the network is slowed (429), whichever account it tries: no account is locked for it.
 */
export interface NetworkGate {
  network: NetworkView;
  place: string | undefined;
}

export async function enterNetworkGate(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'places' | 'policy' | 'events'>, client: Pick<Client, 'address'>): Promise<NetworkGate | undefined> {
  const policy = riskPolicyOf(deps.policy);
  const network = networkOf(deps, policy, client.address);
  // An address the data does not place (private, loopback, reserved ranges: a firm's own network or a
  // proxy not trusted) has no network to count against; the address throttle still holds it.
  if (network.place.asn === undefined && network.place.country === undefined) return { network, place: undefined };
  const place = await reserve(deps, networkKey(network), policy.networkFailureLimit, policy.networkWindowMs);
  if (!place) {
    deps.events.riskDecision('signin.network_throttle', 'enforce', 'refuse');
    return undefined;
  }
  return { network, place };
}

function networkKey(network: NetworkView): string {
  return `risk:net-fail:${network.key}`;
}

/** A right password (or passkey): the network's place goes back. */
export async function leaveNetworkGate(deps: Pick<Deps, 'store'>, gate: NetworkGate): Promise<void> {
  await release(deps, gate.place);
}

/**
 * A failed sign-in stays counted against its network; past the alert level, once a window, operators
 * are alerted (log line, metric, audit entry), and nothing is locked.
 */
export async function countNetworkFailure(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'policy' | 'logger' | 'events'>, gate: NetworkGate): Promise<void> {
  if (gate.place === undefined) return;
  const policy = riskPolicyOf(deps.policy);
  const now = deps.clock.now();
  const failures = await deps.store.throttle.count(networkKey(gate.network), now - policy.networkWindowMs);
  if (failures < policy.networkAlertAt) return;
  // One alert a network a window, however many failures race past the level.
  if (!(await reserve(deps, `risk:net-alert:${gate.network.key}`, 1, policy.networkWindowMs, now))) return;
  const detail = { network: gate.network.key, place: describePlace(gate.network.place), failures, windowMinutes: Math.round(policy.networkWindowMs / 60_000), throttleAt: policy.networkFailureLimit };
  deps.events.riskAlert('credential_stuffing');
  deps.logger.warn({ alert: 'credential_stuffing', ...detail }, 'failed sign-ins across accounts from one network: slowed, nothing locked');
  await recordAudit(deps, null, 'risk_alert', { kind: 'credential_stuffing', ...detail }, 'system');
}

/**
 * The sign-in's risk decision, after the password proved right: one call. Reads what a sign-in needs
 * (the device's last use, and the last sign-ins unless the caller brings them: indexed queries; places
 * are in memory) and writes only when a rule fired.
 */
export async function assessSignIn(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'places' | 'policy' | 'events'>,
  customer: CustomerRecord,
  client: Client,
  /**
   * What the caller read already (a password sign-in's lookup): the last sign-ins, newest first, and
   * when the client's device last signed in (undefined: a device never seen).
   */
  read?: { lastSignIns: ReadonlyArray<Pick<LoginEvent, 'address' | 'at'>>; deviceLastSeen: number | undefined },
): Promise<RiskDecisionRecord> {
  const policy = riskPolicyOf(deps.policy);
  const [lastSeen, history] = read
    ? [read.deviceLastSeen, read.lastSignIns]
    : await Promise.all([deviceLastSeen(deps, customer.id, client.deviceToken), deps.store.loginEvents.lastSignIns(customer.id, SIGN_IN_HISTORY)]);
  const now = deps.clock.now();
  const network = networkOf(deps, policy, client.address);
  const signals = [...deviceSignals(policy, lastSeen, now), ...networkSignals(policy, network), ...historySignals(deps, policy, network, history, now)];
  const decision = newDecision(deps, { operation: 'sign_in', customerId: customer.id, address: client.address, signals }, evaluate(policy, 'sign_in', signals));
  await recordDecision(deps, decision);
  countDecision(deps, decision);
  return decision;
}

function deviceSignals(policy: RiskPolicy, lastSeen: number | undefined, now: number): RiskSignal[] {
  if (lastSeen === undefined) return [signal(policy, 'new_device', true, 'a browser this customer never completed a sign-in with')];
  if (now - lastSeen > policy.deviceTrustMs) return [signal(policy, 'stale_device', Math.floor((now - lastSeen) / (24 * HOUR)), 'days since this device last signed in')];
  return [];
}

/** Signals of where the address is (in-memory lookup): abroad, a hosting/VPN network. */
export function networkSignals(policy: RiskPolicy, network: NetworkView): RiskSignal[] {
  const out: RiskSignal[] = [];
  const where = describePlace(network.place);
  if (network.foreign) out.push(signal(policy, 'foreign_country', network.place.country!, where));
  if (network.hosting) out.push(signal(policy, 'hosting_network', network.place.asn ?? network.place.network ?? 'unknown', where));
  return out;
}

function historySignals(deps: Pick<Deps, 'places'>, policy: RiskPolicy, network: NetworkView, history: ReadonlyArray<Pick<LoginEvent, 'address' | 'at'>>, now: number): RiskSignal[] {
  const out: RiskSignal[] = [];
  const last = history[0];
  const here = network.place;
  if (last && here.latitude !== undefined && here.longitude !== undefined) {
    const there = deps.places.lookup(last.address);
    if (there.latitude !== undefined && there.longitude !== undefined) {
      const km = distanceKm({ latitude: there.latitude, longitude: there.longitude }, { latitude: here.latitude, longitude: here.longitude });
      const hours = Math.max((now - last.at) / HOUR, 1 / 60);
      const kmh = km / hours;
      if (km >= policy.travelMinKm && kmh > policy.impossibleTravelKmh) {
        out.push(signal(policy, 'impossible_travel', Math.round(kmh), `${Math.round(km)} km in ${hours.toFixed(1)} h from ${describePlace(there)}`));
      }
    }
  }
  // The history's places only where this address has a country to compare with (not a private or reserved one).
  const countries = here.country !== undefined && history.length >= 3 ? new Set(history.map((e) => deps.places.lookup(e.address).country).filter((c): c is string => c !== undefined)) : new Set<string>();
  if (here.country !== undefined && countries.size > 0 && !countries.has(here.country)) {
    out.push(signal(policy, 'new_country', here.country, `never signed in from here before (seen: ${[...countries].join(', ')})`));
  }
  if (history.length >= policy.unusualHourMinHistory) {
    const hour = jstHour(now);
    const near = history.some((e) => {
      const d = Math.abs(jstHour(e.at) - hour);
      return Math.min(d, 24 - d) <= 1;
    });
    if (!near) out.push(signal(policy, 'unusual_hour', hour, `${hour}:00 JST; none of the last ${history.length} sign-ins within an hour of it`));
  }
  return out;
}

function jstHour(ms: number): number {
  return Math.floor(ms / HOUR + 9) % 24;
}
