import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../kabuto.js';
import { viewCustomer } from '../../domain/customers/customers.js';
import { isFailure } from '../../domain/kernel/errors.js';
import { changeMfaSettings, viewMfaSettings, type MfaChange } from '../../domain/settings/mfa.js';
import { changePassword, type PasswordChange } from '../../domain/settings/passwords.js';
import { changePhone, type PhoneChange } from '../../domain/settings/phone.js';
import { changeProfile, type ProfileChange } from '../../domain/settings/profile.js';
import type { CustomerRecord } from '../../domain/kernel/types.js';
import { sendFailure } from '../failures.js';
import { bankAccount, body, challengeId, enumOf, secret, text } from '../schemas.js';
import { requireCustomer, setSessionCookie } from '../session.js';
import { last4 } from '../../domain/kernel/phone-numbers.js';

export function viewProfile(customer: CustomerRecord) {
  return {
    name: customer.name,
    email: customer.email,
    address: customer.address,
    bankAccount: customer.bankAccount && { ...customer.bankAccount, last4: last4(customer.bankAccount.accountNumber) },
  };
}

export function settingsRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { deps, config } = kabuto;
  // Authentication before validation: a stranger learns nothing about a route from its 400s.
  const preValidation = requireCustomer(deps);

  app.get('/api/v1/settings/mfa', { preValidation }, async (request) => viewMfaSettings(deps, request.customer!));

  app.put<{ Body: MfaChange }>(
    '/api/v1/settings/mfa',
    {
      preValidation,
      schema: {
        body: body(
          { method: enumOf('none', 'sms', 'totp', 'passkey'), scope: enumOf('login', 'all'), tradingPassword: secret, challengeId },
          ['method', 'scope', 'tradingPassword'],
        ),
      },
    },
    async (request, reply) => {
      const result = await changeMfaSettings(deps, request.customer!, request.session!, request.body);
      if (isFailure(result)) return sendFailure(request, reply, result);
      if (result.token) setSessionCookie(request, reply, result.token, config.publicOrigin);
      return result.settings;
    },
  );

  app.put<{ Body: PhoneChange }>(
    '/api/v1/settings/phone',
    { preValidation, schema: { body: body({ phone: text(32, 1), tradingPassword: secret, challengeId }, ['phone', 'tradingPassword']) } },
    async (request, reply) => {
      const result = await changePhone(deps, request.customer!, request.session!, request.body);
      return isFailure(result) ? sendFailure(request, reply, result) : viewCustomer(deps, result);
    },
  );

  for (const [path, kind] of [['password', 'login'], ['trading-password', 'trading']] as const) {
    app.put<{ Body: PasswordChange }>(
      `/api/v1/settings/${path}`,
      { preValidation, schema: { body: body({ currentPassword: secret, newPassword: secret, challengeId }, ['currentPassword', 'newPassword']) } },
      async (request, reply) => {
        const result = await changePassword(deps, request.customer!, request.session!, kind, request.body);
        if (isFailure(result)) return sendFailure(request, reply, result);
        setSessionCookie(request, reply, result.token, config.publicOrigin);
        return { status: 'changed' };
      },
    );
  }

  app.get('/api/v1/settings/profile', { preValidation }, async (request) => viewProfile(request.customer!));

  app.put<{ Body: ProfileChange }>(
    '/api/v1/settings/profile',
    {
      preValidation,
      schema: { body: body({ email: text(254, 3), address: text(200), bankAccount, tradingPassword: secret, challengeId }, ['tradingPassword']) },
    },
    async (request, reply) => {
      const result = await changeProfile(deps, request.customer!, request.session!, request.body);
      return isFailure(result) ? sendFailure(request, reply, result) : viewProfile(result);
    },
  );
}
