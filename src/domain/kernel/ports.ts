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
