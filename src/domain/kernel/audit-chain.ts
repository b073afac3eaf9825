import { createHash } from 'node:crypto';
import type { AuditEntry } from './types.js';

// Each audit entry carries the hash of the one before it: editing or deleting a row breaks every
// hash after it, which `kabuto audit verify` finds.

export const GENESIS_HASH = '0'.repeat(64);

export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([entry.seq, entry.customerId, entry.at, entry.actor, entry.action, entry.detail, entry.prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The first entry whose link or hash does not hold, or undefined when the chain is whole. */
export function findBrokenLink(entries: AuditEntry[], previousHash = GENESIS_HASH, previousSeq = 0): { seq: number; reason: string } | undefined {
  let prev = previousHash;
  let seq = previousSeq;
  for (const entry of entries) {
    if (entry.seq !== seq + 1) return { seq: entry.seq, reason: `expected entry ${seq + 1}, found ${entry.seq}` };
    if (entry.prevHash !== prev) return { seq: entry.seq, reason: 'does not link to the entry before it' };
    if (hashAuditEntry(entry) !== entry.hash) return { seq: entry.seq, reason: 'content does not match its hash' };
    prev = entry.hash;
    seq = entry.seq;
  }
  return undefined;
}
