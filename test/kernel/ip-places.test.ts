import { describe, expect, it } from 'vitest';
import { ipPlaces as places } from '../../src/adapters/ip-places.js';

// The offline address data: real packages, real lookups (no network). Figures that can change with a data
// release are asserted loosely (a country and a network, not a city).
describe('offline IP places', () => {
  it('places a Japanese address in Japan with its network', () => {
    const place = places.lookup('133.242.0.1');
    expect(place.country).toBe('JP');
    expect(place.asn).toBeGreaterThan(0);
    expect(place.network).toMatch(/\S/);
    expect(typeof place.latitude).toBe('number');
  });

  it('knows a public cloud network abroad and its owner', () => {
    const place = places.lookup('8.8.8.8');
    expect(place.country).toBe('US');
    expect(place.asn).toBe(15169);
    expect(place.network).toMatch(/Google/);
  });

  it('reads IPv6 and IPv4-mapped IPv6 addresses', () => {
    expect(places.lookup('2400:4050::1').country).toMatch(/^[A-Z]{2}$/);
    expect(places.lookup('::ffff:8.8.8.8')).toEqual(places.lookup('8.8.8.8'));
  });

  it('keeps its answers (a sign-in asks for the same addresses several times): the same answer again, frozen for every caller', () => {
    const first = places.lookup('133.242.0.2');
    expect(places.lookup('133.242.0.2')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { country?: string }).country = 'XX';
    }).toThrow();
    expect(places.lookup('133.242.0.2').country).toBe('JP');
  });

  it('calls private, loopback, shared, documentation and malformed addresses unknown', () => {
    for (const ip of ['10.1.2.3', '192.168.0.1', '172.16.5.4', '127.0.0.1', '100.64.0.1', '203.0.113.5', '198.51.100.7', '::1', 'fd00::1', 'fe80::1', '2001:db8::1', 'not-an-address', '']) {
      expect(places.lookup(ip), ip).toEqual({});
    }
  });
});
