import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Kabuto } from '../../kabuto.js';
import { claimEndedLinks, forgetLink, linkProviderSession } from '../../domain/federation/session-links.js';
import { deliverLogoutNotices, queueLogoutNotice } from '../../domain/federation/logout-notices.js';
import { endSession } from '../../domain/sessions/sessions.js';
import { depsOfRaw } from '../request-log.js';
import { sessionOfCookies } from '../session.js';

// Single logout (docs/oidc.md, "Logout"). A Kabuto session is linked to the provider sessions it signed in
// (src/domain/federation/session-links.ts). When the Kabuto session ends, however it ends (sign-out, a
// password change, an operator's reset, a freeze), the sweep ends those provider sessions: a logout token
// is owed to every relying party with a back-channel logout URI (written down first, in
// oidc_logout_notices, then sent by the same sweep; retried with back-off until the relying party takes
// it: src/domain/federation/logout-notices.ts), and the grants' tokens are revoked. The other way round, a
// relying party's logout (RP-initiated, /oidc/session/end) ends the Kabuto session of that browser; the
// library sends that logout's tokens itself, and one that fails is written down for the same retries.

type Runtime = { federation: Kabuto['federation']; provider(): Promise<Provider> };

const kabutoSessionOf = (kabuto: Kabuto, ctx: KoaContextWithOIDC) => sessionOfCookies(kabuto.deps, (name) => ctx.cookies.get(name), kabuto.config.publicOrigin);

/** Single logout wired into a provider: the link made on resume, and the relying party's logout. */
export function withSingleLogout(kabuto: Kabuto) {
  return (provider: Provider) => {
    // After a resumed authorization, the provider session is linked to the browser's Kabuto session.
    provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
      await next();
      const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
      if (oidc?.route !== 'resume' || !oidc.session?.accountId) return;
      const session = await kabutoSessionOf(kabuto, ctx);
      if (session && session.customerId === oidc.session.accountId) {
        await linkProviderSession(kabuto.federation, { lineage: session.lineageId, accountId: session.customerId, uid: oidc.session.uid }, Date.now());
      }
    });
    // The library's own back-channel send (RP-initiated logout) tries once: a failure is retried from the table.
    provider.on('backchannel.error', (ctx: KoaContextWithOIDC | undefined, error: unknown, client: { clientId: string }, accountId: string, sid: string) => {
      const reason = error instanceof Error ? error.message : String(error);
      const deps = depsOfRaw(ctx?.req, kabuto.deps);
      queueLogoutNotice(deps, kabuto.federation.logoutNotices, { clientId: client.clientId, sub: accountId, sid }, reason).catch((failure: unknown) =>
        deps.logger.error({ err: failure, clientId: client.clientId }, 'back-channel logout: a failed logout token could not be queued for retry'),
      );
    });
    provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
      const deps = depsOfRaw(ctx.req, kabuto.deps);
      const end = async () => {
        const session = await kabutoSessionOf(kabuto, ctx);
        if (session) await endSession(deps, session.id);
      };
      end().catch((error: unknown) => deps.logger.warn({ err: error }, 'relying party logout: the Kabuto session could not be ended'));
    });
  };
}

/**
 * Ends one provider session: logout tokens owed to the relying parties it signed in to (written down
 * before the session is destroyed, so a crash here loses none: the link is claimed again), their grants revoked.
 */
async function endProviderSession(provider: Provider, uid: string, kabuto: Kabuto): Promise<void> {
  const session = await provider.Session.findByUid(uid);
  if (!session) return;
  for (const clientId of Object.keys(session.authorizations ?? {})) {
    const client = await provider.Client.find(clientId);
    if (client?.backchannelLogoutUri && session.accountId) {
      await queueLogoutNotice(kabuto.deps, kabuto.federation.logoutNotices, { clientId, sub: session.accountId, sid: session.sidFor(clientId) ?? '' });
    }
    const grantId = session.grantIdFor(clientId);
    if (grantId) {
      const grant = await provider.Grant.find(grantId);
      await grant?.destroy();
      await provider.AccessToken.adapter.revokeByGrantId(grantId);
    }
  }
  await session.destroy();
}

/**
 * One round of the sweep: the provider sessions of every Kabuto session that ended, then the logout
 * tokens due (new ones and retries). Returns how many Kabuto sessions ended.
 */
export async function sweepEndedSessions(runtime: Runtime, kabuto: Kabuto): Promise<number> {
  const claimed = await claimEndedLinks(runtime.federation, Date.now());
  if (claimed.length > 0) {
    const provider = await runtime.provider();
    for (const link of claimed) {
      for (const uid of link.uids) await endProviderSession(provider, uid, kabuto);
      await forgetLink(runtime.federation, link.lineage);
    }
  }
  await deliverLogoutNotices(kabuto.deps, runtime.federation.logoutNotices, async (notice) => {
    const provider = await runtime.provider();
    const client = await provider.Client.find(notice.clientId);
    // A client removed since is owed nothing.
    if (!client?.backchannelLogoutUri) return;
    // The library signs a fresh logout token and posts it under its own 2.5 s time-out.
    await (client.backchannelLogout as (sub: string, sid: string) => Promise<void>)(notice.sub, notice.sid);
  });
  return claimed.length;
}
