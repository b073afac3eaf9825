import ipaddr from 'ipaddr.js';
import type { Deps } from '../kernel/context.js';
import type { IpPlace } from '../kernel/ports.js';
import type { RiskPolicy } from '../kernel/risk-policy.js';

// Where an address is and whose network it is, from the offline data (deps.places: in memory, no I/O).

export interface NetworkView {
  place: IpPlace;
  /** Outside the firm's home countries (an address the data does not place is not foreign). */
  foreign: boolean;
  /** A hosting, cloud or VPN network (by AS number, or by its owner's name). */
  hosting: boolean;
  /**
   * The network a credential-stuffing throttle counts against: a hosting AS as a whole (a botnet
   * rents addresses across it), otherwise the IPv4 /24 or the IPv6 /48.
   */
  key: string;
}

export function isHosting(policy: RiskPolicy, place: IpPlace): boolean {
  if (place.asn !== undefined && policy.hostingAsns.includes(place.asn)) return true;
  const owner = place.network?.toLowerCase();
  return owner !== undefined && policy.hostingNamePatterns.some((pattern) => owner.includes(pattern));
}

export function prefixOf(address: string): string {
  if (!ipaddr.isValid(address)) return `raw:${address.slice(0, 64)}`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.kind() === 'ipv4') return `${(parsed as ipaddr.IPv4).octets.slice(0, 3).join('.')}.0/24`;
  return `${(parsed as ipaddr.IPv6).parts.slice(0, 3).map((p) => p.toString(16)).join(':')}::/48`;
}

export function networkOf(deps: Pick<Deps, 'places'>, policy: RiskPolicy, address: string): NetworkView {
  const place = deps.places.lookup(address);
  const hosting = isHosting(policy, place);
  return {
    place,
    foreign: place.country !== undefined && !policy.homeCountries.includes(place.country),
    hosting,
    key: hosting && place.asn !== undefined ? `as${place.asn}` : prefixOf(address),
  };
}

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function describePlace(place: IpPlace): string {
  const where = [place.city, place.country].filter(Boolean).join(', ') || 'unknown place';
  return place.asn !== undefined ? `${where}; AS${place.asn} ${place.network ?? ''}`.trim() : where;
}
