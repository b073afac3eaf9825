import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, PUBLIC_TYPES } from '../../src/domain/feed/event-types.js';

// The feed's rows for the customer's own defences (issue 16). That every audit action has a row, or is left
// out on purpose, is test/feed/audit-actions.unit.test.ts.

describe('the feed’s table of audit actions', () => {
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
