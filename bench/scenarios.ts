import type { Request } from 'autocannon';
import { cookiesOf, median, type FlowStep } from './load.js';

// The requests of each figure, for Kabuto and for the peer: what a client sends, nothing more.

// A fresh object each time: autocannon writes content-length into the headers it is given.
const jsonHeaders = (): Record<string, string> => ({ 'content-type': 'application/json' });

/** Round-robin over a list, shared by every connection of a run. */
export function roundRobin<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

/**
 * `address`: the client address the sign-ins come from (X-Forwarded-For; the bench's servers trust one
 * proxy hop). Each figure gets its own, so that no figure inherits another's places in the address
 * throttle (20 failures in 10 minutes, requests in flight counted).
 */
export function kabutoSignIn(loginIds: string[], password: string, address = '127.0.0.1'): () => Request[] {
  return () => {
    const next = roundRobin(loginIds);
    return [
      {
        method: 'POST',
        path: '/api/v1/login',
        headers: { ...jsonHeaders(), 'x-forwarded-for': address },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ loginId: next(), password }) }),
      },
    ];
  };
}

/**
 * The browsers of returning customers: each customer signs in once from `address` and keeps the device
 * cookie Kabuto set (as a browser does), and nothing else (no session: signed out).
 */
export async function knownBrowsers(url: string, loginIds: string[], password: string, address: string): Promise<Array<{ loginId: string; deviceCookie: string }>> {
  const browsers: Array<{ loginId: string; deviceCookie: string }> = [];
  for (const loginId of loginIds) {
    const response = await fetch(`${url}/api/v1/login`, { method: 'POST', headers: { ...jsonHeaders(), 'x-forwarded-for': address }, body: JSON.stringify({ loginId, password }) });
    const deviceCookie = response.headers.getSetCookie().find((c) => c.startsWith('kabuto_device='))?.split(';')[0];
    if (!response.ok || !deviceCookie) throw new Error(`a first sign-in of ${loginId} set no device cookie (${response.status})`);
    browsers.push({ loginId, deviceCookie });
  }
  return browsers;
}

/** Password sign-ins from the customers' own browsers (their device cookies): a returning customer's sign-in. */
export function kabutoSignInKnown(browsers: Array<{ loginId: string; deviceCookie: string }>, password: string, address: string): () => Request[] {
  return () => {
    const next = roundRobin(browsers);
    return [
      {
        method: 'POST',
        path: '/api/v1/login',
        setupRequest: (request) => {
          const browser = next();
          return { ...request, headers: { ...jsonHeaders(), 'x-forwarded-for': address, cookie: browser.deviceCookie }, body: JSON.stringify({ loginId: browser.loginId, password }) };
        },
      },
    ];
  };
}

export function getWithCookies(path: string, cookies: string[]): () => Request[] {
  return () => {
    const next = roundRobin(cookies);
    return [{ method: 'GET', path, setupRequest: (request) => ({ ...request, headers: { cookie: next() } }) }];
  };
}

export function kabutoWithdrawals(cookies: string[], tradingPassword: string): () => Request[] {
  return () => {
    const next = roundRobin(cookies);
    return [
      {
        method: 'POST',
        path: '/api/v1/withdrawals',
        // [<id>] is replaced by autocannon with a fresh id: one idempotency key per request.
        body: JSON.stringify({ amount: 1, tradingPassword, idempotencyKey: '[<id>]' }),
        setupRequest: (request) => ({ ...request, headers: { ...jsonHeaders(), cookie: next() } }),
      },
    ];
  };
}

/** Unknown login IDs from ever-new client addresses (KABUTO_TRUST_PROXY=1): the attacks issue's flood. */
export function kabutoFlood(): () => Request[] {
  return () => {
    let i = 0;
    return [
      {
        method: 'POST',
        path: '/api/v1/login',
        setupRequest: (request) => {
          i++;
          return {
            ...request,
            headers: { ...jsonHeaders(), 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
            body: JSON.stringify({ loginId: `flood${i}`, password: 'stuffed password 123' }),
          };
        },
      },
    ];
  };
}

const parse = (body: string): Record<string, any> => {
  try {
    return JSON.parse(body) as Record<string, any>;
  } catch {
    return {};
  }
};

/**
 * Kabuto's second-factor sign-in: password (→ a login challenge), send the SMS code, read it from
 * the dev outbox (as the customer reads the SMS), verify (→ the session). A customer gets at most
 * `perCustomer` flows: the SMS caps are 10 per customer and per number an hour.
 */
export function kabutoTwoFactor(customers: Array<{ loginId: string; phone: string }>, password: string, perCustomer: number): () => FlowStep[] {
  let flow = 0;
  return () => [
    {
      request: (context) => {
        // Round-robin, so that no two connections run flows of one customer at once (the code is
        // read as "the newest SMS to this number"); past perCustomer rounds the caps would refuse.
        // Past them: a refused sign-in from an address of its own (its failures throttle no other figure).
        if (flow >= customers.length * perCustomer)
          return { method: 'POST', path: '/api/v1/login', headers: { ...jsonHeaders(), 'x-forwarded-for': '203.0.113.250' }, body: '{"loginId":"out-of-customers","password":"x"}' };
        const customer = customers[flow++ % customers.length]!;
        context.phone = customer.phone;
        return { method: 'POST', path: '/api/v1/login', headers: jsonHeaders(), body: JSON.stringify({ loginId: customer.loginId, password }) };
      },
      check: (status, body, _headers, context) => {
        const answer = parse(body);
        context.challengeId = answer.challenge?.id;
        return status === 200 && answer.status === 'second_factor_required';
      },
    },
    {
      request: (context) => ({ method: 'POST', path: `/api/v1/challenges/${context.challengeId as string}/sms`, headers: jsonHeaders(), body: '{}' }),
      check: (status) => status === 200,
    },
    {
      request: (context) => ({ method: 'GET', path: `/api/dev/outbox?to=${encodeURIComponent(context.phone as string)}` }),
      check: (status, body, _headers, context) => {
        const first = (parse(`{"list":${body}}`).list as Array<{ body: string }> | undefined)?.[0];
        context.code = first?.body.match(/コード: ([0-9]{6})/)?.[1];
        return status === 200 && context.code !== undefined;
      },
    },
    {
      request: (context) => ({
        method: 'POST',
        path: `/api/v1/challenges/${context.challengeId as string}/verify`,
        headers: jsonHeaders(),
        body: JSON.stringify({ method: 'sms', code: context.code }),
      }),
      check: (status, body) => status === 200 && parse(body).status === 'signed_in',
    },
  ];
}

export function peerSignIn(emails: string[], password: string, origin: string): () => Request[] {
  return () => {
    const next = roundRobin(emails);
    return [
      {
        method: 'POST',
        path: '/api/auth/sign-in/email',
        headers: { ...jsonHeaders(), origin },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: next(), password }) }),
      },
    ];
  };
}

/** better-auth's OTP second factor: sign-in (→ a two_factor cookie), send-otp, read it, verify-otp. */
export function peerTwoFactor(emails: string[], password: string, origin: string): () => FlowStep[] {
  const next = roundRobin(emails);
  const headers = (context: Record<string, unknown>) => ({ ...jsonHeaders(), origin, cookie: context.cookie as string });
  return () => [
    {
      request: (context) => {
        context.email = next();
        return { method: 'POST', path: '/api/auth/sign-in/email', headers: { ...jsonHeaders(), origin }, body: JSON.stringify({ email: context.email, password }) };
      },
      check: (status, body, responseHeaders, context) => {
        context.cookie = cookiesOf(responseHeaders).join('; ');
        return status === 200 && parse(body).twoFactorRedirect === true;
      },
    },
    {
      request: (context) => ({ method: 'POST', path: '/api/auth/two-factor/send-otp', headers: headers(context), body: '{}' }),
      check: (status) => status === 200,
    },
    {
      request: (context) => ({ method: 'GET', path: `/bench/otp?email=${encodeURIComponent(context.email as string)}` }),
      check: (status, body, _headers, context) => {
        context.code = parse(body).otp;
        return status === 200 && typeof context.code === 'string';
      },
    },
    {
      request: (context) => ({ method: 'POST', path: '/api/auth/two-factor/verify-otp', headers: headers(context), body: JSON.stringify({ code: context.code }) }),
      check: (status, body) => status === 200 && typeof parse(body).token === 'string',
    },
  ];
}

/**
 * The failure paths of a sign-in, one request at a time and interleaved (so that noise from other
 * load falls on all alike), each from its own address so the address throttle never answers first.
 */
export async function failurePathMedians(
  url: string,
  paths: Record<string, Array<{ loginId: string; password: string }>>,
): Promise<Record<string, { medianMs: number; samples: number; statuses: Record<string, number> }>> {
  const times: Record<string, number[]> = {};
  const statuses: Record<string, Record<string, number>> = {};
  const longest = Math.max(...Object.values(paths).map((p) => p.length));
  let address = 0;
  for (let i = 0; i < longest; i++) {
    for (const [name, attempts] of Object.entries(paths)) {
      const attempt = attempts[i];
      if (!attempt) continue;
      address++;
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/login`, {
        method: 'POST',
        headers: { ...jsonHeaders(), 'x-forwarded-for': `198.18.${address >> 8}.${address & 255}` },
        body: JSON.stringify(attempt),
      });
      await response.arrayBuffer();
      (times[name] ??= []).push(performance.now() - started);
      const byStatus = (statuses[name] ??= {});
      byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.keys(paths).map((name) => [name, { medianMs: median(times[name] ?? []), samples: times[name]?.length ?? 0, statuses: statuses[name] ?? {} }]));
}
