import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Kabuto } from '../../kabuto.js';
import { claimEndedLinks, forgetLink, linkProviderSession } from '../../domain/federation/session-links.js';
import { endSession } from '../../domain/sessions/sessions.js';
import { sessionOfCookies } from '../session.js';

// Single logout (docs/oidc.md, "Logout"). A Kabuto session is linked to the provider sessions it signed in
// (src/domain/federation/session-links.ts). When the Kabuto session ends, however it ends (sign-out, a
// password change, an operator's reset, a freeze), the sweep ends those provider sessions: every relying
// party with a back-channel logout URI gets a logout token (the library sends it, with its 2.5 s time-out),
// and the grants' tokens are revoked. The other way round, a relying party's logout (RP-initiated,
// /oidc/session/end) ends the Kabuto session of that browser.

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
    provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
      const end = async () => {
        const session = await kabutoSessionOf(kabuto, ctx);
        if (session) await endSession(kabuto.deps, session.id);
      };
      end().catch((error: unknown) => kabuto.deps.logger.warn({ err: error }, 'relying party logout: the Kabuto session could not be ended'));
    });
  };
}

/** Ends one provider session: logout tokens to the relying parties it signed in to, their grants revoked. */
async function endProviderSession(provider: Provider, uid: string, kabuto: Kabuto): Promise<void> {
  const session = await provider.Session.findByUid(uid);
  if (!session) return;
  for (const clientId of Object.keys(session.authorizations ?? {})) {
    const client = await provider.Client.find(clientId);
    if (client?.backchannelLogoutUri && session.accountId) {
      try {
        await (client.backchannelLogout as (sub: string, sid: string) => Promise<void>)(session.accountId, session.sidFor(clientId) ?? '');
      } catch (error) {
        kabuto.deps.logger.warn({ err: error, clientId }, 'back-channel logout: the relying party did not take the logout token');
      }
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

/** One round of the sweep: the provider sessions of every Kabuto session that ended. Returns how many Kabuto sessions. */
export async function sweepEndedSessions(runtime: Runtime, kabuto: Kabuto): Promise<number> {
  const claimed = await claimEndedLinks(runtime.federation, Date.now());
  if (claimed.length === 0) return 0;
  const provider = await runtime.provider();
  for (const link of claimed) {
    for (const uid of link.uids) await endProviderSession(provider, uid, kabuto);
    await forgetLink(runtime.federation, link.lineage);
  }
  return claimed.length;
}
