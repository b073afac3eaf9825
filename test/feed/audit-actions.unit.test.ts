import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/domain/feed/event-types.js';

// Every audit action Kabuto writes reaches the signed event feed (src/domain/feed/event-types.ts), or is
// named here as deliberately left out, with its reason. A room that adds an audit action and forgets the
// feed fails here. The actions are read from the sources: `recordAudit(deps, customer, '<action>'` (or a
// choice of two), an audit record's `action: '<action>'` beside its `actor:`, and the login events' results.

const LEFT_OUT: Record<string, string> = {
  cash_deposited: 'a ledger entry (opening cash, a deposit by the firm): not a security event',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function auditActions(): Set<string> {
  const found = new Set<string>();
  for (const file of sources('src')) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/recordAudit\(\s*[^,]+,\s*[^,]+,\s*'([a-z_]+)'/g)) found.add(match[1]!);
    for (const match of text.matchAll(/recordAudit\(\s*[^,]+,\s*[^,]+,\s*[^,?]+\?\s*'([a-z_]+)'\s*:\s*'([a-z_]+)'/g)) [match[1]!, match[2]!].forEach((a) => found.add(a));
    for (const match of text.matchAll(/\bactor: [^,]+, action: '([a-z_]+)'/g)) found.add(match[1]!);
    for (const match of text.matchAll(/action:\s*'([a-z_]+)',\s*detail:/g)) found.add(match[1]!);
  }
  // logEvent audits sign-ins by result (src/domain/sessions/login-events.ts).
  const loginEvents = readFileSync('src/domain/sessions/login-events.ts', 'utf8');
  for (const match of loginEvents.matchAll(/: '(signed_in|sign_in_failed)'/g)) found.add(match[1]!);
  return found;
}

describe('the event feed covers the audit trail', () => {
  it('reads the actions from the sources (the reader itself works)', () => {
    const actions = auditActions();
    for (const known of ['withdrawal_requested', 'risk_decision', 'oidc_withdrawal_approved', 'step_up_approved', 'cash_deposited', 'trading_password_changed']) expect(actions).toContain(known);
  });

  it('every audit action is an event type, or left out on purpose', () => {
    const missing = [...auditActions()].filter((action) => !(action in EVENT_TYPES) && !(action in LEFT_OUT)).sort();
    expect(missing, 'add a line to EVENT_TYPES (src/domain/feed/event-types.ts) and docs/events.md').toEqual([]);
  });

  it('nothing is both in the feed and left out', () => {
    expect(Object.keys(LEFT_OUT).filter((action) => action in EVENT_TYPES)).toEqual([]);
  });
});
