import type { Migration, MigrationProvider } from 'kysely';
import * as identity from './0001_identity.js';
import * as money from './0002_money.js';
import * as factors from './0003_factors.js';
import * as reservations from './0004_reservations.js';
import * as loginIdCase from './0005_login_id_case.js';
import * as credentials from './0006_credentials_cooling_off.js';
import * as noticeQueue from './0007_notice_queue.js';
import * as deviceTrust from './0010_device_trust.js';
import * as freezes from './0011_freezes.js';
import * as recovery from './0012_recovery.js';
import * as noticePreferences from './0013_notice_preferences.js';
import * as emailChanges from './0014_email_changes.js';
import * as risk from './0015_risk.js';
import * as oidc from './0020_oidc.js';
import * as eventFeed from './0025_event_feed.js';
import * as operators from './0030_operators.js';
import * as auditHeadPrev from './0035_audit_head_prev.js';

// Listed here rather than read from the folder: the same code runs from TypeScript sources and bundles.
const migrations: Readonly<Record<string, Migration>> = {
  '0001_identity': identity,
  '0002_money': money,
  '0003_factors': factors,
  '0004_reservations': reservations,
  '0005_login_id_case': loginIdCase,
  '0006_credentials_cooling_off': credentials,
  '0007_notice_queue': noticeQueue,
  '0010_device_trust': deviceTrust,
  '0011_freezes': freezes,
  '0012_recovery': recovery,
  '0013_notice_preferences': noticePreferences,
  '0014_email_changes': emailChanges,
  '0015_risk': risk,
  '0020_oidc': oidc,
  '0025_event_feed': eventFeed,
  '0030_operators': operators,
  '0035_audit_head_prev': auditHeadPrev,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...migrations };
  },
};
