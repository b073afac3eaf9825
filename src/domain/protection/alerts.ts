import type { Deps } from '../kernel/context.js';

/** The operators' alerts ("this wasn't me"), newest first, as the back office lists them. */
export async function listAlerts(deps: Pick<Deps, 'store'>, limit: number, before?: string) {
  const alerts = await deps.store.protection.listAlerts(limit, before);
  return { alerts: alerts.map((alert) => ({ id: alert.id, at: new Date(alert.at).toISOString(), kind: alert.kind, detail: alert.detail })) };
}
