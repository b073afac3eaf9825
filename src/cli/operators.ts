import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { isFailure } from '../domain/kernel/errors.js';
import { takeSnapshot } from '../domain/operators/migration.js';
import { createOperator, disableOperator, newEnrolmentCode, viewOperator } from '../domain/operators/operators.js';
import { createServiceToken, revokeServiceToken, listServiceTokens } from '../domain/operators/service-tokens.js';
import { createKabuto, type Kabuto } from '../kabuto.js';
import type { Command } from './command.js';

// The back office from the command line (docs/operators.md): operators and their enrolment codes,
// services' tokens (printed once), the migration's daily snapshot. Audited with the actor `cli`.

async function withKabuto(work: (kabuto: Kabuto) => Promise<number>): Promise<number> {
  const kabuto = await createKabuto(loadConfig(), { logStream: process.stderr });
  try {
    return await work(kabuto);
  } finally {
    await kabuto.close();
  }
}

const failed = (what: string, failure: { code: string; fields: unknown }) => {
  console.error(`kabuto ${what}: ${failure.code} ${JSON.stringify(failure.fields)}`);
  return 1;
};

const create: Command = {
  summary: 'create an operator and print their one-time passkey enrolment code (valid 24 hours)',
  usage: 'kabuto operators create --email EMAIL --name NAME --roles viewer,support,supervisor,security',
  async run(args) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' } }, strict: true });
    if (!values.email || !values.name || !values.roles) {
      console.error('kabuto operators create: --email, --name and --roles are required');
      return 2;
    }
    return withKabuto(async (kabuto) => {
      const result = await createOperator(kabuto.deps, { email: values.email!, name: values.name!, roles: values.roles! }, 'cli');
      if (isFailure(result)) return failed('operators create', result);
      console.log(`operator ${result.operator.email} (${result.operator.roles.join(',')})\nenrolment code (once, 24 hours): ${result.enrolmentCode}`);
      return 0;
    });
  },
};

const enrol: Command = {
  summary: 'print a new one-time passkey enrolment code for an operator (a new or lost device)',
  usage: 'kabuto operators enrol --email EMAIL',
  async run(args) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true });
    if (!values.email) {
      console.error('kabuto operators enrol: --email is required');
      return 2;
    }
    return withKabuto(async (kabuto) => {
      const operator = await kabuto.deps.store.operators.findOperatorByEmail(values.email!);
      if (!operator) {
        console.error(`kabuto operators enrol: no operator ${values.email}`);
        return 1;
      }
      console.log(`enrolment code (once, 24 hours): ${await newEnrolmentCode(kabuto.deps, operator, 'cli')}`);
      return 0;
    });
  },
};

const list: Command = {
  summary: 'list operators',
  usage: 'kabuto operators list',
  async run() {
    return withKabuto(async (kabuto) => {
      for (const o of (await kabuto.deps.store.operators.listOperators()).map(viewOperator)) console.log(`${o.email}\t${o.name}\t${o.roles.join(',')}${o.disabled ? '\tdisabled' : ''}`);
      return 0;
    });
  },
};

const disable: Command = {
  summary: 'disable an operator (their console sessions end at once)',
  usage: 'kabuto operators disable --email EMAIL',
  async run(args) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true });
    return withKabuto(async (kabuto) => {
      const operator = values.email ? await kabuto.deps.store.operators.findOperatorByEmail(values.email) : undefined;
      if (!operator) {
        console.error('kabuto operators disable: --email of an operator is required');
        return 2;
      }
      await disableOperator(kabuto.deps, operator, 'cli');
      console.log(`disabled ${operator.email}`);
      return 0;
    });
  },
};

const token: Command = {
  summary: 'service tokens: create (printed once), list, revoke',
  usage:
    'kabuto operators token create --name NAME --roles ROLES --days N\n' +
    'kabuto operators token list\n' +
    'kabuto operators token revoke --id ID\n\n' +
    'A token is `kst_<id>.<secret>`, sent as `Authorization: Bearer …`; only its hash is stored.',
  async run(args) {
    const [action, ...rest] = args;
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, roles: { type: 'string' }, days: { type: 'string' }, id: { type: 'string' } }, strict: true });
    if (action === 'create') {
      if (!values.name || !values.roles || !values.days) {
        console.error('kabuto operators token create: --name, --roles and --days are required');
        return 2;
      }
      return withKabuto(async (kabuto) => {
        const result = await createServiceToken(kabuto.deps, { name: values.name!, roles: values.roles!, days: Number(values.days) }, 'cli');
        if (isFailure(result)) return failed('operators token create', result);
        console.log(result.token);
        console.error(`service token ${result.record.id} (${result.record.name}: ${result.record.roles.join(',')}) expires ${new Date(result.record.expiresAt).toISOString()}; it is not shown again`);
        return 0;
      });
    }
    if (action === 'list') {
      return withKabuto(async (kabuto) => {
        for (const t of (await listServiceTokens(kabuto.deps)).tokens) console.log(`${t.id}\t${t.name}\t${t.roles.join(',')}\t${t.status}\texpires ${t.expiresAt}`);
        return 0;
      });
    }
    if (action === 'revoke' && values.id) {
      return withKabuto(async (kabuto) => {
        const result = await revokeServiceToken(kabuto.deps, values.id!, 'cli');
        if (isFailure(result)) return failed('operators token revoke', result);
        console.log(`revoked ${values.id}`);
        return 0;
      });
    }
    console.error(`kabuto operators token: ${token.usage}`);
    return 2;
  },
};

const snapshot: Command = {
  summary: 'record today’s figures of customers by strongest factor (the migration dashboard’s history)',
  usage: 'kabuto operators snapshot',
  async run() {
    return withKabuto(async (kabuto) => {
      console.log(JSON.stringify(await takeSnapshot(kabuto.deps)));
      return 0;
    });
  },
};

export const commands: Record<string, Command> = {
  'operators create': create,
  'operators enrol': enrol,
  'operators list': list,
  'operators disable': disable,
  'operators token': token,
  'operators snapshot': snapshot,
};
