import { loadConfig } from '../config.js';
import { openDatabase } from '../store/database.js';
import { createStore } from '../store/index.js';
import type { Command } from './command.js';

// The operator's view of the durable notice outbox (docs/operations.md, "Notice outbox").

async function withStore<T>(work: (store: ReturnType<typeof createStore>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = openDatabase(config.databaseUrl, { poolSize: 1, schema: config.databaseSchema });
  try {
    return await work(createStore(handle));
  } finally {
    await handle.close();
  }
}

const status: Command = {
  summary: 'count the notices in the outbox: pending (being retried), sent, dead (need an operator)',
  usage: 'kabuto notices\n\nExit 0 when no notice is dead-lettered, 1 when some are (run `kabuto notices retry` once the mail server works).',
  async run() {
    const counts = await withStore((store) => store.notices.counts());
    console.log(`pending: ${counts.pending}\nsent: ${counts.sent}\ndead: ${counts.dead}`);
    return counts.dead > 0 ? 1 : 0;
  },
};

const retry: Command = {
  summary: 'send the dead-lettered notices again (after the mail server was fixed)',
  usage: 'kabuto notices retry\n\nMakes every dead notice due now with a fresh count of attempts; the running servers send them.',
  async run() {
    const revived = await withStore((store) => store.notices.revive(Date.now()));
    console.log(`${revived} notice(s) queued again`);
    return 0;
  },
};

export const commands: Record<string, Command> = { notices: status, 'notices retry': retry };
