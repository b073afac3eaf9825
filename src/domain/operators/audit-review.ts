import type { Deps } from '../kernel/context.js';
import { findBrokenLink, GENESIS_HASH } from '../kernel/audit-chain.js';

// The audit trail as the console reads it: a page of every entry (operators' own actions have no
// customer), and the whole chain re-hashed from the first entry (`kabuto audit verify` also compares
// the head row, which only the store sees).

export async function auditPage(deps: Pick<Deps, 'store'>, after: number) {
  const entries = await deps.store.audit.listAll(after, 100);
  return { entries: entries.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, customerId: e.customerId, detail: e.detail, hash: e.hash })) };
}

export async function checkAuditChain(deps: Pick<Deps, 'store'>): Promise<{ intact: boolean; entries: number; brokenAt?: number; reason?: string }> {
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  for (;;) {
    const page = await deps.store.audit.listAll(prevSeq, 1000);
    const broken = findBrokenLink(page, prevHash, prevSeq);
    if (broken) return { intact: false, entries: prevSeq, brokenAt: broken.seq, reason: broken.reason };
    const last = page.at(-1);
    if (!last) return { intact: true, entries: prevSeq };
    prevHash = last.hash;
    prevSeq = last.seq;
  }
}
