import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { viewCustomer } from '../../../domain/customers/customers.js';

/** The signed-in customer (registered inside the signed-in scope). */
export function meRoutes(app: FastifyInstance, _kabuto: Kabuto): void {
  app.get('/api/v1/me', async (request) => viewCustomer(request.deps, request.customer!));
}
