import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { adminRoutes } from './admin.js';
import { challengeRoutes } from './challenges.js';
import { devRoutes } from './dev.js';
import { healthRoutes } from './health.js';
import { historyRoutes } from './history.js';
import { loginRoutes } from './login.js';
import { moneyRoutes } from './money.js';
import { settingsRoutes } from './settings.js';
import { factorRoutes } from './factors.js';
import { passkeyLoginRoutes } from './passkey-login.js';

/** Features register their routes here; each module is a plain function over the app. */
export const routeModules: Array<(app: FastifyInstance, kabuto: Kabuto) => void | Promise<void>> = [
  healthRoutes,
  loginRoutes,
  passkeyLoginRoutes,
  challengeRoutes,
  settingsRoutes,
  factorRoutes,
  historyRoutes,
  moneyRoutes,
  adminRoutes,
  devRoutes,
];

export async function registerRoutes(app: FastifyInstance, kabuto: Kabuto): Promise<void> {
  for (const register of routeModules) await register(app, kabuto);
}
