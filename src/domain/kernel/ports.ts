// What the domain needs from the outside world, as interfaces: the adapters implement them,
// tests pass fakes (a clock they move, a seeded random source).

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface RandomSource {
  bytes(n: number): Buffer;
  /** A uniform integer in [0, max). */
  int(max: number): number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spend the same work as a verify, for paths that have no hash (unknown login ID, locked account). */
  verifyDummy(password: string): Promise<void>;
  needsRehash(hash: string): boolean;
}

/**
 * What a sender's error carries when the provider clearly refused the message (a 4xx answer):
 * nothing went out. Any other error (time-out, network, 5xx) may have delivered it.
 */
export interface MessageRefusal {
  readonly refused: boolean;
}

export interface SmsSender {
  sendSms(to: string, body: string): Promise<void>;
}

export interface VoiceSender {
  call(to: string, body: string): Promise<void>;
}

export interface EmailSender {
  sendEmail(to: string, subject: string, body: string): Promise<void>;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Roughly where an address is and whose network it belongs to, from offline data: never a network call. */
export interface IpPlace {
  /** ISO 3166-1 alpha-2; absent where unknown (private and reserved ranges, or not in the data). */
  country?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
  /** The autonomous system announcing the address, and its owner's name as registered. */
  asn?: number;
  network?: string;
}

export interface IpPlaces {
  /** Synchronous and in memory: cheap enough for every sign-in. An unparsable address is unknown ({}). */
  lookup(ip: string): IpPlace;
}
