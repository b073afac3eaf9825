import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kabuto } from '../kabuto.js';
import { constantTimeEqual } from '../domain/kernel/crypto.js';
import { fail } from '../domain/kernel/errors.js';
import type { OperatorRole } from '../domain/kernel/types.js';
import { sendFailure } from './failures.js';

// The back office's one door. Every admin route is registered through adminScope and names, in its route
// options, the operator roles that may use it (`{ config: { roles: ['support'] } }`); a route that names none
// stops the start. Who the caller is gets decided here and nowhere else, and audit entries name them
// through adminActor.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operator roles an admin route admits. */
    roles?: readonly OperatorRole[];
  }
  interface FastifyRequest {
    adminCaller?: AdminCaller;
  }
}

export interface AdminCaller {
  /** How audit entries name the caller. */
  actor: string;
  roles: readonly OperatorRole[];
}

/** The caller of an admin route, as audit entries name them. */
export function adminActor(request: FastifyRequest): string {
  return request.adminCaller?.actor ?? 'admin';
}

/**
 * Registers `routes` behind the back office's authentication. Nothing is registered when the back office
 * is not enabled (no KABUTO_ADMIN_TOKEN).
 */
export function adminScope(app: FastifyInstance, kabuto: Kabuto, routes: (admin: FastifyInstance) => void): void {
  const token = kabuto.config.adminToken;
  if (!token) return;
  app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      if (!route.config?.roles?.length) throw new Error(`admin route ${route.method} ${route.url} names no operator roles`);
    });
    admin.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers.authorization ?? '';
      const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
      // Compared through HMACs of equal length: neither content nor length leaks through timing.
      if (!constantTimeEqual(presented, token)) return sendFailure(request, reply, fail('unauthenticated'));
      // The shared token holds every role (until operators sign in as themselves).
      const caller: AdminCaller = { actor: 'admin', roles: ['viewer', 'support', 'supervisor', 'security'] };
      const admits = request.routeOptions.config.roles ?? [];
      if (!admits.some((role) => caller.roles.includes(role))) return sendFailure(request, reply, fail('forbidden'));
      request.adminCaller = caller;
    });
    routes(admin);
  });
}
