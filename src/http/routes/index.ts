import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { authenticate } from '../session.js';
import { challengeRoutes } from './challenges/challenges.js';
import { historyRoutes } from './history/history.js';
import { instrumentRoutes } from './money/instruments.js';
import { moneyRoutes } from './money/money.js';
import { holdRoutes } from './money/holds.js';
import { adminRoutes } from './ops/admin.js';
import { adminRiskRoutes } from './ops/admin-risk.js';
import { backOfficeRoutes } from './operators/back-office.js';
import { consoleRoutes } from './operators/console.js';
import { devRoutes } from './ops/dev.js';
import { feedRoutes } from './feed/webhooks.js';
import { healthRoutes } from './ops/health.js';
import { deviceRoutes } from './sessions/devices.js';
import { meRoutes } from './sessions/me.js';
import { adminProtectionRoutes } from './protection/admin-protection.js';
import { freezeCodeRoutes, protectionRoutes } from './protection/protection.js';
import { recoveryRoutes } from './recovery/recovery.js';
import { factorRoutes } from './settings/factors.js';
import { settingsRoutes } from './settings/settings.js';
import { loginRoutes } from './sign-in/login.js';
import { oidcInteractionRoutes, oidcRoutes } from '../oidc/routes.js';
import { passkeyLoginRoutes } from './sign-in/passkey-login.js';

// The folders mirror the domain's rooms (src/domain/<room>); ops/ holds health, the back office and the
// development outbox, history/ every paged history.

type Routes = (app: FastifyInstance, kabuto: Kabuto) => void;

/** Routes anyone may call. Those that read a session when there is one (sign-in, sign-out, challenges) use sessionOf. */
const OPEN: Routes[] = [healthRoutes, loginRoutes, passkeyLoginRoutes, challengeRoutes, instrumentRoutes, freezeCodeRoutes, recoveryRoutes, adminRoutes, adminProtectionRoutes, backOfficeRoutes, consoleRoutes, feedRoutes, adminRiskRoutes, devRoutes, oidcRoutes];

/** The customer's routes: registered inside the signed-in scope, 401 `unauthenticated` without a live session. */
const SIGNED_IN: Routes[] = [meRoutes, deviceRoutes, protectionRoutes, settingsRoutes, factorRoutes, moneyRoutes, holdRoutes, historyRoutes, oidcInteractionRoutes];

export async function registerRoutes(app: FastifyInstance, kabuto: Kabuto): Promise<void> {
  for (const register of OPEN) register(app, kabuto);
  // An encapsulated plugin: its one hook resolves the session and the customer once per request and
  // puts them on the request; it runs for the routes inside and no other.
  await app.register(async (signedIn) => {
    signedIn.addHook('preValidation', authenticate(kabuto.deps));
    for (const register of SIGNED_IN) register(signedIn, kabuto);
  });
}
