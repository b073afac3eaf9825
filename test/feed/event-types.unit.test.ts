import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/domain/feed/event-types.js';

// Every audit action written with a literal name (recordAudit(deps, customer, '<action>', …)) is either
// a public event type (src/domain/feed/event-types.ts) or deliberately kept out of the feed here, with
// the reason: a room that adds an action decides which, and this test fails until it has.
const KEPT_OUT: Record<string, string> = {
  cash_deposited: 'the ledger (money movements are the brokerage systems’ own feed)',
  risk_alert: 'the risk engine’s internal alert (docs/risk.md; carried by metrics and the operators’ view)',
  risk_decision: 'the risk engine’s explanation, operators only (signals would teach an attacker the rules)',
  risk_hold_released: 'the risk engine’s holds (docs/risk.md): not published yet',
  risk_hold_rejected: 'the risk engine’s holds (docs/risk.md): not published yet',
};

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

function auditActionsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(new URL('../../src', import.meta.url).pathname)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/recordAudit\(\s*[\w.]+\s*,\s*[^,]+?,\s*'([a-z_]+)'/g)) found.set(match[1]!, file);
  }
  return found;
}

describe('the event feed’s table of audit actions', () => {
  it('names every audit action the code writes, or says why it stays out of the feed', () => {
    const actions = auditActionsInSource();
    expect(actions.size).toBeGreaterThan(20);
    const unaccounted = [...actions.keys()].filter((action) => !(action in EVENT_TYPES) && !(action in KEPT_OUT));
    expect(unaccounted).toEqual([]);
  });

  it('keeps out nothing it also publishes', () => {
    expect(Object.keys(KEPT_OUT).filter((action) => action in EVENT_TYPES)).toEqual([]);
  });
});
