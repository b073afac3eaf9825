import { createOperator } from '../../src/domain/operators/operators.js';
import { createOperatorSession } from '../../src/domain/operators/operator-sessions.js';
import { createServiceToken } from '../../src/domain/operators/service-tokens.js';
import { isFailure } from '../../src/domain/kernel/errors.js';
import type { OperatorRole } from '../../src/domain/kernel/types.js';
import type { TestServer } from '../support/harness.js';
import { HttpClient } from '../support/http-client.js';
import { rememberSecret } from '../support/known-secrets.js';

let counter = 0;

/**
 * An operator signed in to the console (a session minted as the passkey sign-in would; the passkey
 * ceremony itself is shown in Chromium by test/e2e/console.e2e.test.ts).
 */
export async function signedInOperator(server: TestServer, roles: OperatorRole[]): Promise<{ client: HttpClient; email: string; id: string }> {
  counter += 1;
  const email = `op${counter}-${roles.join('-')}@firm.example.jp`;
  const created = await createOperator(server.kabuto.deps, { email, name: `Operator ${counter}`, roles: roles.join(',') }, 'test');
  if (isFailure(created)) throw new Error(created.code);
  const { token } = await createOperatorSession(server.kabuto.deps, created.operator, { address: '127.0.0.1', userAgent: 'test' });
  rememberSecret(token);
  const client = server.client();
  client.cookies.set('kabuto_console', token);
  return { client, email, id: created.operator.id };
}

export async function serviceClient(server: TestServer, roles: OperatorRole[], name = `svc${++counter}`): Promise<HttpClient> {
  const created = await createServiceToken(server.kabuto.deps, { name, roles: roles.join(','), days: 30 }, 'test');
  if (isFailure(created)) throw new Error(created.code);
  rememberSecret(created.token);
  return new HttpClient(server.url, { authorization: `Bearer ${created.token}` });
}
