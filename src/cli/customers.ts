import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createCustomer } from '../domain/customers/customers.js';
import { isFailure } from '../domain/kernel/errors.js';
import { createKabuto } from '../kabuto.js';
import type { Command } from './command.js';

const create: Command = {
  summary: 'open a customer account (as the admin API does)',
  usage:
    'kabuto customers create --name NAME --email EMAIL [--login-id ID] [--phone 090-...] [--cash YEN]\n\n' +
    'The login and trading passwords are read from KABUTO_NEW_PASSWORD and KABUTO_NEW_TRADING_PASSWORD,\n' +
    'never from the command line (it would stay in the shell history and the process list).',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { name: { type: 'string' }, email: { type: 'string' }, 'login-id': { type: 'string' }, phone: { type: 'string' }, cash: { type: 'string' } },
      strict: true,
    });
    const password = process.env.KABUTO_NEW_PASSWORD;
    const tradingPassword = process.env.KABUTO_NEW_TRADING_PASSWORD;
    if (!values.name || !values.email || !password || !tradingPassword) {
      console.error('kabuto customers create: --name, --email, KABUTO_NEW_PASSWORD and KABUTO_NEW_TRADING_PASSWORD are required');
      return 2;
    }
    const cash = values.cash === undefined ? 0 : Number(values.cash);
    if (!Number.isSafeInteger(cash) || cash < 0) {
      console.error('kabuto customers create: --cash must be a whole number of yen');
      return 2;
    }
    const kabuto = await createKabuto(loadConfig(), { logStream: process.stderr });
    try {
      const customer = await createCustomer(kabuto.deps, { loginId: values['login-id'], name: values.name, email: values.email, phone: values.phone, password, tradingPassword }, 'cli');
      if (isFailure(customer)) {
        console.error(`kabuto customers create: ${customer.code} ${JSON.stringify(customer.fields)}`);
        return 1;
      }
      if (cash > 0) await kabuto.hooks.onInitialCash(customer, cash);
      console.log(customer.loginId);
      return 0;
    } finally {
      await kabuto.close();
    }
  },
};

const outbox: Command = {
  summary: 'print the development outbox (SMS codes, calls and e-mails), newest first',
  usage: 'kabuto outbox [--to PHONE_OR_EMAIL] [--limit N]',
  async run(args) {
    const { values } = parseArgs({ args, options: { to: { type: 'string' }, limit: { type: 'string' } }, strict: true });
    const kabuto = await createKabuto(loadConfig(), { logStream: process.stderr });
    try {
      const messages = await kabuto.deps.store.outbox.list(values.to, Number(values.limit ?? 20));
      for (const m of messages) console.log(`${new Date(m.at).toISOString()}  ${m.channel.padEnd(5)}  ${m.recipient}\n  ${(m.subject ? `${m.subject}\n  ` : '') + m.body.replace(/\n/g, '\n  ')}\n`);
      if (messages.length === 0) console.log('(outbox is empty)');
      return 0;
    } finally {
      await kabuto.close();
    }
  },
};

export const commands: Record<string, Command> = { 'customers create': create, outbox };
