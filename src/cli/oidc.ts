import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { listClients, registerClient, removeClient, AUTH_METHODS, type ClientAuthMethod } from '../domain/federation/clients.js';
import { DEFAULT_ROTATION, rotateSigningKey, viewSigningKeys } from '../domain/federation/signing-keys.js';
import { isFailure } from '../domain/kernel/errors.js';
import { createKabuto, type Kabuto } from '../kabuto.js';
import type { Command } from './command.js';

// `kabuto oidc ...`: the OpenID Provider's relying parties and signing keys (docs/oidc.md), as the admin
// API does them. A client's secret is printed once, here, and kept sealed.

const USAGE = `kabuto oidc client add --name NAME --redirect-uri URI [--redirect-uri URI...] [--auth client_secret_basic|private_key_jwt]
                      [--jwks-file FILE] [--post-logout-uri URI...] [--backchannel-logout-uri URI] [--withdrawals]
kabuto oidc client list
kabuto oidc client remove CLIENT_ID
kabuto oidc keys list
kabuto oidc keys rotate [--publish-seconds N] [--keep-seconds N]

A new signing key is published at once and signs after --publish-seconds (default 3600), so relying
parties meet it in the JWKS first; the key it replaces stays published --keep-seconds more (default 86400).
Running servers pick a new key up within 30 seconds.`;

async function withKabuto(work: (kabuto: Kabuto) => Promise<number>): Promise<number> {
  const kabuto = await createKabuto(loadConfig(), { logStream: process.stderr });
  try {
    return await work(kabuto);
  } finally {
    await kabuto.close();
  }
}

async function addClient(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      auth: { type: 'string' },
      'jwks-file': { type: 'string' },
      'post-logout-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      withdrawals: { type: 'boolean' },
    },
    strict: true,
  });
  const authMethod = (values.auth ?? 'client_secret_basic') as ClientAuthMethod;
  if (!values.name || !values['redirect-uri']?.length || !AUTH_METHODS.includes(authMethod)) {
    console.error(`kabuto oidc client add: --name and --redirect-uri are required; --auth is one of ${AUTH_METHODS.join(', ')}`);
    return 2;
  }
  let jwks: { keys: Array<Record<string, unknown>> } | undefined;
  if (values['jwks-file']) {
    const { readFileSync } = await import('node:fs');
    jwks = JSON.parse(readFileSync(values['jwks-file'], 'utf8')) as typeof jwks;
  }
  return withKabuto(async (kabuto) => {
    const registered = await registerClient(
      kabuto.deps,
      kabuto.federation,
      {
        name: values.name!,
        authMethod,
        redirectUris: values['redirect-uri']!,
        postLogoutRedirectUris: values['post-logout-uri'],
        backchannelLogoutUri: values['backchannel-logout-uri'],
        jwks,
        authorizationDetailsTypes: values.withdrawals ? ['withdrawal'] : [],
      },
      { allowHttpLoopback: kabuto.config.mode !== 'production' },
      'cli',
    );
    if (isFailure(registered)) {
      console.error(`kabuto oidc client add: ${registered.code} ${JSON.stringify(registered.fields)}`);
      return 1;
    }
    console.log(`client_id:     ${registered.clientId}`);
    if (registered.clientSecret) console.log(`client_secret: ${registered.clientSecret}\n(shown once: store it in the relying party's secret store now)`);
    return 0;
  });
}

const oidc: Command = {
  summary: 'the OpenID Provider: register relying parties, rotate signing keys',
  usage: USAGE,
  async run(args) {
    const [noun, verb, ...rest] = args;
    if (noun === 'client' && verb === 'add') return addClient(rest);
    if (noun === 'client' && verb === 'list') return withKabuto(async (kabuto) => (console.log(JSON.stringify(await listClients(kabuto.deps, kabuto.federation), null, 2)), 0));
    if (noun === 'client' && verb === 'remove' && rest[0]) {
      return withKabuto(async (kabuto) => {
        const removed = await removeClient(kabuto.deps, kabuto.federation, rest[0]!, 'cli');
        if (isFailure(removed)) {
          console.error(`kabuto oidc client remove: ${removed.code}`);
          return 1;
        }
        console.log(`removed ${rest[0]}`);
        return 0;
      });
    }
    if (noun === 'keys' && verb === 'list') return withKabuto(async (kabuto) => (console.log(JSON.stringify(viewSigningKeys(await kabuto.federation.keys.list(), kabuto.deps.clock.now()), null, 2)), 0));
    if (noun === 'keys' && verb === 'rotate') {
      const { values } = parseArgs({ args: rest, options: { 'publish-seconds': { type: 'string' }, 'keep-seconds': { type: 'string' } }, strict: true });
      const publish = values['publish-seconds'] === undefined ? DEFAULT_ROTATION.publishMs / 1000 : Number(values['publish-seconds']);
      const keep = values['keep-seconds'] === undefined ? DEFAULT_ROTATION.keepMs / 1000 : Number(values['keep-seconds']);
      if (!Number.isSafeInteger(publish) || publish < 0 || !Number.isSafeInteger(keep) || keep < 0) {
        console.error('kabuto oidc keys rotate: --publish-seconds and --keep-seconds are whole seconds');
        return 2;
      }
      return withKabuto(async (kabuto) => {
        const key = await rotateSigningKey(kabuto.deps, kabuto.federation, { publishMs: publish * 1000, keepMs: keep * 1000 }, 'cli');
        console.log(`new key ${key.kid}: published now, signs from ${new Date(key.activatesAt).toISOString()}`);
        return 0;
      });
    }
    console.error(`Usage: ${USAGE}`);
    return 2;
  },
};

export const commands: Record<string, Command> = { oidc };
