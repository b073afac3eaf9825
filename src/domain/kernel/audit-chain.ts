import { createHash } from 'node:crypto';
import type { AuditEntry } from './types.js';

// Each audit entry carries the hash of the one before it: editing or deleting a row breaks every
// hash after it, which `kabuto audit verify` finds.

export const GENESIS_HASH = '0'.repeat(64);

/**
 * An entry's canonical form is the JSON array [seq, customerId, at, actor, action, detail, prevHash]. Its
 * middle (customer to detail), as JSON.stringify writes it: the store's PostgreSQL append sends it and the
 * database puts the sequence number before it and the previous hash (hex: a plain JSON string) after it,
 * then hashes the same text (src/store/audit-repo.ts).
 */
export function auditEntryBody(entry: Pick<AuditEntry, 'customerId' | 'at' | 'actor' | 'action' | 'detail'>): string {
  return JSON.stringify([entry.customerId, entry.at, entry.actor, entry.action, entry.detail]).slice(1, -1);
}

export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = `[${JSON.stringify(entry.seq)},${auditEntryBody(entry)},${JSON.stringify(entry.prevHash)}]`;
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
