import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, PUBLIC_TYPES } from '../../src/domain/feed/event-types.js';

// Every audit action the code writes is either in the feed's table (src/domain/feed/event-types.ts) or
// named here as kept out of it on purpose: a new audit action cannot slip past the feed unnoticed.

/** Audited, but not events (yet): deposits (docs/events.md), and the risk engine's decisions and holds (docs/risk.md: operators read them through the admin API). */
const NOT_IN_FEED = new Set(['cash_deposited', 'risk_decision', 'risk_alert', 'risk_hold_released', 'risk_hold_rejected']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function auditedActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources('src')) {
    const text = readFileSync(file, 'utf8');
    // recordAudit(deps, customerId, '<action>', ...) and the audit entries a store call writes ({ ..., action: '<action>', detail: ... }).
    for (const m of text.matchAll(/recordAudit\(\s*[^,]+,\s*[^,]+,\s*'([a-z_]+)'/g)) found.set(m[1]!, file);
    for (const m of text.matchAll(/action:\s*'([a-z_]+)',\s*detail:/g)) found.set(m[1]!, file);
  }
  return found;
}

describe('the feed’s table of audit actions', () => {
  it('names every audit action the code writes, or keeps it out on purpose', () => {
    const actions = auditedActions();
    expect(actions.size).toBeGreaterThan(20);
    const missing = [...actions].filter(([action]) => !(action in EVENT_TYPES) && !NOT_IN_FEED.has(action)).map(([action, file]) => `${action} (${file})`);
    expect(missing, 'audit actions with no row in src/domain/feed/event-types.ts').toEqual([]);
  });

  it('holds the customer’s own defences (issue 16)', () => {
    for (const action of ['account_frozen', 'account_unfrozen', 'not_me_reported', 'password_recovered', 'session_ended', 'other_sessions_ended', 'device_removed', 'email_change_requested', 'notice_preferences_changed']) {
      expect(EVENT_TYPES[action], action).toBeDefined();
    }
    expect(PUBLIC_TYPES).toEqual(expect.arrayContaining(['freeze.changed', 'customer.not_me_reported', 'device.removed']));
    // An operator's free text (the lift's reason and identity check) never leaves Kabuto.
    expect(EVENT_TYPES.account_unfrozen!.fields).not.toContain('reason');
    expect(EVENT_TYPES.account_unfrozen!.fields).not.toContain('identityCheck');
  });
});
