import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from './ports.js';

/** Keys derived from the one master secret of the configuration. */
export interface Secrets {
  /** HMAC key for one-time codes and operation content. */
  readonly codeKey: Buffer;
  /** argon2 secret (pepper): a stolen database alone cannot be brute-forced offline. */
  readonly pepper: Buffer;
  /** AES-256-GCM key for TOTP secrets at rest. */
  readonly encryptionKey: Buffer;
}

export function deriveSecrets(master: Buffer): Secrets {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `kabuto:${info}`, 32));
  return Object.freeze({ codeKey: derive('code'), pepper: derive('pepper'), encryptionKey: derive('encryption') });
}

export function hmacHex(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

/** Constant time for equal lengths; hashing first makes the length of the input irrelevant too. */
export function constantTimeEqual(a: string, b: string): boolean {
  const key = Buffer.from('kabuto-compare');
  return timingSafeEqual(createHmac('sha256', key).update(a).digest(), createHmac('sha256', key).update(b).digest());
}

export function newId(random: RandomSource, bytes = 16): string {
  return random.bytes(bytes).toString('base64url');
}

/** A deterministic serialisation (sorted keys) so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

let sequence = 0;

/** An id that sorts by time, then by creation order within this process (events in one millisecond). */
export function sortableId(at: number, random: RandomSource): string {
  sequence = (sequence + 1) % 1e9;
  return `${String(at).padStart(15, '0')}-${String(sequence).padStart(9, '0')}-${newId(random, 6)}`;
}
