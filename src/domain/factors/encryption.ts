import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { RandomSource } from '../kernel/ports.js';

// Secrets at rest (security.md): TOTP secrets are encrypted with AES-256-GCM under a key derived
// from KABUTO_SECRET. The customer's ID is the associated data, so a ciphertext copied onto another
// customer's row does not decrypt. Format: `v1.<iv>.<ciphertext>.<tag>`, base64url.

const VERSION = 'v1';

export function encryptSecret(key: Buffer, random: RandomSource, customerId: string, plaintext: Buffer): string {
  const iv = random.bytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(customerId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** Throws on tampering or a wrong key: that is a broken installation, not an expected outcome. */
export function decryptSecret(key: Buffer, customerId: string, sealed: string): Buffer {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new Error('unknown secret encoding');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(customerId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
}
