import { loadConfig } from '../config.js';
import { openDatabase } from '../store/database.js';
import { verifyAuditChain } from '../store/audit-verify.js';
import type { Command } from './command.js';

const verify: Command = {
  summary: 'check the audit trail’s hash chain; name the first broken entry',
  usage:
    'kabuto audit verify\n\nRecomputes every entry’s hash and link to the one before it, from the first to the head.\n' +
    'Exit 0: intact. Exit 1: broken, with the first entry that does not hold (edited, deleted or inserted rows).\n' +
    'Safe while serving: it only reads.',
  async run() {
    const config = loadConfig();
    const handle = openDatabase(config.databaseUrl, { poolSize: 1, schema: config.databaseSchema });
    try {
      const report = await verifyAuditChain(handle.db);
      if (report.intact) {
        console.log(`audit chain intact: ${report.entries} entries, head ${report.headHash}`);
        return 0;
      }
      const entry = report.entry;
      const about = entry ? ` (${new Date(entry.at).toISOString()} ${entry.actor} ${entry.action}${entry.customerId ? ` customer ${entry.customerId}` : ''})` : '';
      console.error(`audit chain BROKEN at entry ${report.seq}${about}: ${report.reason}\n${report.entries} entries before it verified.`);
      return 1;
    } finally {
      await handle.close();
    }
  },
};

export const commands: Record<string, Command> = { 'audit verify': verify };
