import type { Kysely } from 'kysely';
import { findBrokenLink, GENESIS_HASH } from '../domain/kernel/audit-chain.js';
import { createAuditRepo } from './audit-repo.js';
import type { Database } from './schema.js';

export type ChainReport =
  | { intact: true; entries: number; headHash: string }
  | { intact: false; entries: number; seq: number; reason: string; entry?: { at: number; actor: string; action: string; customerId: string | null } };

/**
 * Walks the whole audit chain in pages, from the first entry to the head recorded in audit_head.
 * The head is read first, so entries appended meanwhile are left for the next run; and comparing it
 * with the last entry catches rows deleted from the end, which no link inside the chain would show.
 */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 1000): Promise<ChainReport> {
  const head = await db.selectFrom('auditHead').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  const headSeq = Number(head.seq);
  const audit = createAuditRepo(db);
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  for (;;) {
    const page = (await audit.listAll(prevSeq, pageSize)).filter((e) => e.seq <= headSeq);
    const broken = findBrokenLink(page, prevHash, prevSeq);
    if (broken) {
      const entry = page.find((e) => e.seq === broken.seq);
      return { intact: false, entries: prevSeq, ...broken, ...(entry ? { entry: { at: entry.at, actor: entry.actor, action: entry.action, customerId: entry.customerId } } : {}) };
    }
    const last = page.at(-1);
    if (!last) break;
    prevHash = last.hash;
    prevSeq = last.seq;
    if (prevSeq >= headSeq) break;
  }
  if (prevSeq !== headSeq) return { intact: false, entries: prevSeq, seq: prevSeq + 1, reason: `missing: the head records ${headSeq} entries, the log ends at ${prevSeq}` };
  if (prevHash !== head.hash) return { intact: false, entries: prevSeq, seq: prevSeq, reason: 'the head’s hash does not match the last entry' };
  return { intact: true, entries: prevSeq, headHash: prevHash };
}
