import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { closeOnSignals, startServer, StartupError } from '../server.js';
import { commands as customerCommands } from './customers.js';
import { commands as databaseCommands } from './database.js';
import { commands as configCommands } from './config-check.js';
import { commands as auditCommands } from './audit.js';
import { commands as pruneCommands } from './prune.js';
import { commands as backupCommands } from './backup.js';
import { commands as noticeCommands } from './notices.js';
import { commands as webhookCommands } from './webhooks.js';
import { commands as oidcCommands } from './oidc.js';
import { commands as operatorCommands } from './operators.js';

import type { Command } from './command.js';

export type { Command };

const serve: Command = {
  summary: 'run the server (API, portal, admin and dev endpoints as configured)',
  usage: 'kabuto serve\n\nConfiguration comes from the environment (KABUTO_PORT, KABUTO_DATABASE_URL, ...; see README).',
  async run() {
    const server = await startServer(loadConfig());
    closeOnSignals(server);
    // Keep running until a signal closes the server.
    await new Promise(() => {});
    return 0;
  },
};

export const COMMANDS: Record<string, Command> = { serve, ...databaseCommands, ...customerCommands, ...configCommands, ...auditCommands, ...pruneCommands, ...backupCommands, ...noticeCommands, ...webhookCommands, ...oidcCommands, ...operatorCommands };

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return ['Usage: kabuto <command> [options]', '', 'Commands:', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`), '', 'kabuto <command> --help for its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // Two-word commands ("customers create") are looked up before one-word ones.
  const two = argv.slice(0, 2).join(' ');
  const name = COMMANDS[two] ? two : argv[0];
  const rest = COMMANDS[two] ? argv.slice(2) : argv.slice(1);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`kabuto: unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof ConfigError) {
      // Every problem at once, one per line.
      const problems = error.message.split('\n');
      console.error(problems.length === 1 ? `kabuto: configuration error: ${problems[0]}` : `kabuto: ${problems.length} configuration errors:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      return 2;
    }
    if (error instanceof StartupError) {
      console.error(`kabuto: ${error.message}`);
      return 1;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`kabuto ${name}: ${error.message}\n\nUsage: ${command.usage}`);
      return 2;
    }
    throw error;
  }
}

export { parseArgs };
