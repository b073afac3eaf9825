import { Secret, TOTP } from 'otpauth';
import { constantTimeEqual } from '../kernel/crypto.js';

// RFC 6238 time-based codes: 30-second steps, 6 digits, HMAC-SHA1 (what every authenticator app
// reads from a QR code). A code is looked for in the current step and one step either side, for
// clocks that drift and customers who type slowly.

export interface TotpOptions {
  algorithm?: 'SHA1' | 'SHA256' | 'SHA512';
  digits?: number;
  periodSeconds?: number;
  /** Steps accepted either side of the current one. */
  window?: number;
}

const DEFAULTS = { algorithm: 'SHA1', digits: 6, periodSeconds: 30, window: 1 } as const;

export function totpStep(timestampMs: number, periodSeconds: number = DEFAULTS.periodSeconds): number {
  return Math.floor(timestampMs / 1000 / periodSeconds);
}

export function totpCodeAt(secret: Buffer, timestampMs: number, options: TotpOptions = {}): string {
  const { algorithm, digits, periodSeconds } = { ...DEFAULTS, ...options };
  return TOTP.generate({ secret: new Secret({ buffer: toArrayBuffer(secret) }), algorithm, digits, period: periodSeconds, timestamp: timestampMs });
}

/** The time step the code belongs to, or undefined when it matches none in the window. */
export function matchTotpStep(secret: Buffer, code: string, nowMs: number, options: TotpOptions = {}): number | undefined {
  const { periodSeconds, window } = { ...DEFAULTS, ...options };
  const current = totpStep(nowMs, periodSeconds);
  let matched: number | undefined;
  // Every step in the window is computed and compared: the time taken says nothing about which matched.
  for (let offset = -window; offset <= window; offset++) {
    const step = current + offset;
    if (constantTimeEqual(totpCodeAt(secret, step * periodSeconds * 1000, options), code)) matched ??= step;
  }
  return matched;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: Buffer, issuer: string, account: string): string {
  return new TOTP({ issuer, label: account, secret: new Secret({ buffer: toArrayBuffer(secret) }), algorithm: 'SHA1', digits: 6, period: 30 }).toString();
}

export function base32Of(secret: Buffer): string {
  return new Secret({ buffer: toArrayBuffer(secret) }).base32;
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
