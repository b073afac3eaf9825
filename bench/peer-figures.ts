import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freshDatabase, type Dialect } from './databases.js';
import type { Settings } from './kabuto-figures.js';
import { cookiesOf, runFlow, runLoad, type FlowFigure, type LoadFigure } from './load.js';
import { freePort, ROOT, spawnServer, type Child } from './processes.js';
import { getWithCookies, peerSignIn, peerTwoFactor } from './scenarios.js';
import { PASSWORD } from './seed.js';

const PEER_DIR = join(ROOT, 'bench', 'peer');

export interface PeerFigures {
  dialect: Dialect;
  signIn: LoadFigure;
  twoFactor: FlowFigure;
  read: LoadFigure & { path: string };
}

/** The peer has its own dependencies (better-auth and its database drivers), installed on first use. */
export function installPeer(log: (line: string) => void): void {
  if (existsSync(join(PEER_DIR, 'node_modules', 'better-auth'))) return;
  log('installing the peer (npm ci --prefix bench/peer)');
  execFileSync('npm', ['ci', '--prefix', PEER_DIR, '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
}

/** The same load as Kabuto's sign-in, second-factor sign-in and signed-in read, on better-auth. */
export async function benchPeer(dialect: Dialect, settings: Settings, log: (line: string) => void): Promise<PeerFigures> {
  const database = await freshDatabase(dialect, 'peer');
  const port = await freePort();
  let peer: Child | undefined;
  try {
    peer = await spawnServer({
      name: 'better-auth',
      args: ['server.mjs'],
      cwd: PEER_DIR,
      env: {
        NODE_ENV: 'test',
        PEER_PORT: String(port),
        PEER_DATABASE: database.url,
        ...(database.schema ? { PEER_SCHEMA: database.schema } : {}),
        PEER_PLAIN: '64',
        PEER_TWO_FACTOR: '64',
        PEER_PASSWORD: PASSWORD,
      },
      port,
      readyPath: '/bench/users',
    });
    const url = peer.url;
    const users = (await (await fetch(`${url}/bench/users`)).json()) as { plain: string[]; twoFactor: string[] };
    // Sessions for the read, signed in over HTTP (better-auth signs its cookie with its secret).
    const cookies: string[] = [];
    for (const email of users.plain) {
      const response = await fetch(`${url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      await response.arrayBuffer();
      cookies.push(cookiesOf({ 'set-cookie': response.headers.getSetCookie() }).join('; '));
    }
    log('  better-auth sign-in, password only');
    const signIn = await runLoad({ url, cpu: peer, connections: settings.hashConnections, requests: peerSignIn(users.plain, PASSWORD, url) }, settings.timing);
    log('  better-auth sign-in with an OTP');
    const twoFactor = await runFlow(url, settings.hashConnections, peerTwoFactor(users.twoFactor, PASSWORD, url), settings.timing, peer);
    log('  better-auth signed-in read');
    const path = '/api/auth/get-session';
    const read = await runLoad({ url, cpu: peer, connections: settings.readConnections, requests: getWithCookies(path, cookies) }, settings.timing);
    return { dialect, signIn, twoFactor, read: { ...read, path } };
  } finally {
    await peer?.stop();
    await database.drop();
  }
}
