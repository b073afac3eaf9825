import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../kabuto.js';
import type { Config } from '../config.js';
import { constantTimeEqual } from '../domain/kernel/crypto.js';
import { fail } from '../domain/kernel/errors.js';
import { OPERATOR_ROLES, type OperatorRole } from '../domain/kernel/types.js';
import { callerOfOperator, type OperatorCaller } from '../domain/operators/operators.js';
import { resolveOperatorSession } from '../domain/operators/operator-sessions.js';
import { serviceTokenCaller, TOKEN_PREFIX } from '../domain/operators/service-tokens.js';
import { sendFailure } from './failures.js';
import { isSecureRequest } from './session.js';

// The back office's one door. Every admin route is registered through adminScope and names, in its route
// options, the operator roles that may use it (`{ config: { roles: ['support'] } }`); a route that names none
// stops the start. Who the caller is gets decided here and nowhere else, and audit entries name them
// through adminActor. Three ways in (docs/operators.md):
// - an operator signed in to the console with a passkey: the console cookie (its session, its roles);
// - a service's token (`Authorization: Bearer kst_…`, `kabuto operators token create`): the token's roles;
// - KABUTO_ADMIN_TOKEN, in development and test only: the bootstrap token, every role, four eyes bypassed.
//   Production refuses to start with it set (config-variables.ts), and this door ignores it there anyway.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operator roles an admin route admits. */
    roles?: readonly OperatorRole[];
  }
  interface FastifyRequest {
    adminCaller?: AdminCaller;
  }
}

export type AdminCaller = OperatorCaller;

export const CONSOLE_COOKIE = 'kabuto_console';

/** The caller of an admin route, as audit entries name them. */
export function adminActor(request: FastifyRequest): string {
  return request.adminCaller?.actor ?? 'admin';
}

/** The caller of an admin route (set by the door before the route runs). */
export function adminCaller(request: FastifyRequest): OperatorCaller {
  if (!request.adminCaller) throw new Error('adminCaller outside adminScope');
  return request.adminCaller;
}

/** Every admin route registered through the door, with its roles (the table-driven role test reads it). */
const registered = new WeakMap<FastifyInstance, Array<{ method: string; url: string; roles: readonly OperatorRole[] }>>();
export function adminRoutesOf(app: FastifyInstance) {
  return registered.get(app) ?? [];
}

export function consoleCookieName(request: FastifyRequest, config: Config): string {
  return isSecureRequest(request, config.publicOrigin) ? `__Host-${CONSOLE_COOKIE}` : CONSOLE_COOKIE;
}

const ALL_ROLES: readonly OperatorRole[] = OPERATOR_ROLES;

async function callerOf(kabuto: Kabuto, request: FastifyRequest): Promise<OperatorCaller | undefined> {
  const { deps, config } = kabuto;
  const header = request.headers.authorization;
  if (header !== undefined) {
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (presented.startsWith(TOKEN_PREFIX)) return serviceTokenCaller(deps, presented);
    const bootstrap = config.adminToken;
    // Compared through HMACs of equal length: neither content nor length leaks through timing.
    if (bootstrap && config.mode !== 'production' && presented !== '' && constantTimeEqual(presented, bootstrap)) {
      return { kind: 'bootstrap', id: 'bootstrap', actor: 'admin', roles: ALL_ROLES, bypassesFourEyes: true };
    }
    return undefined;
  }
  const signedIn = await resolveOperatorSession(deps, request.cookies[consoleCookieName(request, config)]);
  return signedIn && callerOfOperator(signedIn.operator);
}

/** Registers `routes` behind the back office's authentication. */
export function adminScope(app: FastifyInstance, kabuto: Kabuto, routes: (admin: FastifyInstance) => void): void {
  if (kabuto.config.adminToken && kabuto.config.mode === 'production') {
    // Unreachable through loadConfig (it refuses the variable in production); said loudly if composed otherwise.
    kabuto.log.warn('KABUTO_ADMIN_TOKEN is ignored in production: use service tokens (kabuto operators token create)');
  }
  let list = registered.get(app);
  if (!list) registered.set(app, (list = []));
  const routesOfApp = list;
  app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      if (!route.config?.roles?.length) throw new Error(`admin route ${route.method} ${route.url} names no operator roles`);
      for (const method of [route.method].flat()) if (method !== 'HEAD') routesOfApp.push({ method, url: route.url, roles: route.config.roles });
    });
    admin.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const caller = await callerOf(kabuto, request);
      if (!caller) return sendFailure(request, reply, fail('unauthenticated'));
      const admits = request.routeOptions.config.roles ?? [];
      if (!admits.some((role) => caller.roles.includes(role))) return sendFailure(request, reply, fail('forbidden'));
      request.adminCaller = caller;
    });
    routes(admin);
  });
}
