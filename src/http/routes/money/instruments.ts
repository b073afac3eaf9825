import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { viewInstruments } from '../../../domain/money/ledger-account.js';

/** 銘柄一覧: the instruments and their current prices, for anyone. */
export function instrumentRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  app.get('/api/v1/instruments', async () => viewInstruments(kabuto.prices));
}
