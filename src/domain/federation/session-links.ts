import type { FederationStore } from './ports.js';

// Single logout's bookkeeping (docs/oidc.md, "Logout"): which provider sessions a Kabuto session (its
// lineage, which survives token rotation) signed in. When the Kabuto session no longer exists, however it
// ended, its links are claimed once (one instance of many wins each) and the provider sessions ended.

export const SESSION_LINK_MODEL = 'KabutoSessionLink';
const LINK_TTL_MS = 12 * 60 * 60 * 1000;

/** Remembers that the Kabuto session `lineage` signed in the provider session `uid`. `now`: the provider's clock. */
export async function linkProviderSession(federation: FederationStore, link: { lineage: string; accountId: string; uid: string }, now: number): Promise<void> {
  const found = await federation.models.find(SESSION_LINK_MODEL, link.lineage, now);
  const uids = new Set(Array.isArray(found?.payload.uids) ? (found.payload.uids as string[]) : []);
  if (uids.has(link.uid)) return;
  uids.add(link.uid);
  await federation.models.upsert(SESSION_LINK_MODEL, link.lineage, { accountId: link.accountId, uids: [...uids] }, now + LINK_TTL_MS, {});
}

/** The links whose Kabuto session ended, each claimed by this caller alone: the provider sessions to end. */
export async function claimEndedLinks(federation: FederationStore, now: number): Promise<Array<{ lineage: string; uids: string[] }>> {
  const links = await federation.models.list(SESSION_LINK_MODEL, now);
  if (links.length === 0) return [];
  const live = await federation.liveLineages(links.map((link) => link.id));
  const claimed: Array<{ lineage: string; uids: string[] }> = [];
  for (const link of links) {
    if (live.has(link.id) || link.consumedAt !== null) continue;
    if (!(await federation.models.consume(SESSION_LINK_MODEL, link.id, now))) continue;
    claimed.push({ lineage: link.id, uids: Array.isArray(link.payload.uids) ? (link.payload.uids as string[]) : [] });
  }
  return claimed;
}

/** A claimed link, its provider sessions ended. */
export async function forgetLink(federation: FederationStore, lineage: string): Promise<void> {
  await federation.models.destroy(SESSION_LINK_MODEL, lineage);
}
