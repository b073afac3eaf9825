import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { addEndpoint, deleteEndpoint, listEndpoints, retryDead, rotateSecret, setEndpointStatus } from '../domain/feed/endpoints.js';
import { PUBLIC_TYPES } from '../domain/feed/event-types.js';
import { isFailure, type Failure } from '../domain/kernel/errors.js';
import { createKabuto, type Kabuto } from '../kabuto.js';
import type { Command } from './command.js';

// `kabuto webhooks`: the event feed's endpoints from the command line (as the admin API does;
// docs/events.md). A signing secret is printed once, when made, and stored sealed.

async function withKabuto(work: (kabuto: Kabuto) => Promise<number>): Promise<number> {
  const kabuto = await createKabuto(loadConfig(), { logStream: process.stderr });
  try {
    return await work(kabuto);
  } finally {
    await kabuto.close();
  }
}

function refused(command: string, failure: Failure): number {
  console.error(`kabuto webhooks ${command}: ${failure.code} ${JSON.stringify(failure.fields)}`);
  return 1;
}

function oneId(command: string, args: string[]): string | undefined {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length !== 1) console.error(`kabuto webhooks ${command}: give one endpoint id (kabuto webhooks list)`);
  return positionals.length === 1 ? positionals[0] : undefined;
}

const add: Command = {
  summary: 'register a webhook endpoint for the event feed; prints its signing secret once',
  usage: `kabuto webhooks add <url> [--events TYPE,TYPE...]\n\nWithout --events the endpoint receives every type: ${PUBLIC_TYPES.join(', ')}.\nhttps:// only in production.`,
  async run(args) {
    const { values, positionals } = parseArgs({ args, options: { events: { type: 'string', multiple: true } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) {
      console.error('kabuto webhooks add: give one URL');
      return 2;
    }
    const events = (values.events ?? []).flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean);
    return withKabuto(async (kabuto) => {
      const result = await addEndpoint(kabuto.feed.deps, { url: positionals[0]!, events }, 'cli');
      if (isFailure(result)) return refused('add', result);
      console.log(`id: ${result.endpoint.id}\nurl: ${result.endpoint.url}\nevents: ${result.endpoint.types.join(', ') || '(all)'}`);
      console.log(`secret: ${result.secret}\n(shown once: give it to the receiver now; it cannot be read back)`);
      return 0;
    });
  },
};

const list: Command = {
  summary: 'list the webhook endpoints (never their secrets) and what waits for them',
  usage: 'kabuto webhooks list',
  async run(args) {
    parseArgs({ args, options: {}, strict: true });
    return withKabuto(async (kabuto) => {
      const endpoints = await listEndpoints(kabuto.feed.deps);
      for (const e of endpoints) {
        const pending = (await kabuto.feed.store.deliveries(e.id, 'pending', 1000)).length;
        const dead = (await kabuto.feed.store.deliveries(e.id, 'dead', 1000)).length;
        console.log(`${e.id}  ${e.status.padEnd(8)}  ${e.url}  events: ${e.events.join(',') || '(all)'}  pending: ${pending}  dead: ${dead}`);
      }
      if (endpoints.length === 0) console.log('(no webhook endpoints)');
      return 0;
    });
  },
};

function byId(command: string, summary: string, usage: string, act: (kabuto: Kabuto, id: string) => Promise<unknown>): Command {
  return {
    summary,
    usage: `kabuto webhooks ${command} <id>\n\n${usage}`,
    async run(args) {
      const id = oneId(command, args);
      if (id === undefined) return 2;
      return withKabuto(async (kabuto) => {
        const result = await act(kabuto, id);
        if (isFailure(result)) return refused(command, result);
        if (command === 'rotate') {
          const { secret } = result as { secret: string };
          console.log(`secret: ${secret}\n(shown once; the previous secret keeps signing alongside it for 24 hours)`);
        } else console.log(JSON.stringify(result));
        return 0;
      });
    },
  };
}

export const commands: Record<string, Command> = {
  'webhooks add': add,
  webhooks: list,
  'webhooks list': list,
  'webhooks disable': byId('disable', 'stop delivering to a webhook endpoint (events keep being queued for it)', 'Deliveries resume with `kabuto webhooks enable`.', (k, id) => setEndpointStatus(k.feed.deps, id, 'disabled', 'cli')),
  'webhooks enable': byId('enable', 'deliver to a disabled webhook endpoint again', 'What was queued meanwhile is delivered.', (k, id) => setEndpointStatus(k.feed.deps, id, 'active', 'cli')),
  'webhooks rotate': byId('rotate', 'give a webhook endpoint a new signing secret (printed once)', 'The previous secret signs alongside the new one for 24 hours.', (k, id) => rotateSecret(k.feed.deps, id, 'cli')),
  'webhooks retry': byId('retry', 'deliver the dead-lettered events of a webhook endpoint again', 'Every dead delivery is due now with a fresh count of attempts; the running servers send them.', (k, id) => retryDead(k.feed.deps, id, 'cli')),
  'webhooks delete': byId('delete', 'remove a webhook endpoint and its queued deliveries', 'The feed stays readable from the admin API.', (k, id) => deleteEndpoint(k.feed.deps, id, 'cli')),
};
