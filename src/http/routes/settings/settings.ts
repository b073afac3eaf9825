import type { FastifyInstance } from 'fastify';
import type { Kabuto } from '../../../kabuto.js';
import { viewCustomer } from '../../../domain/customers/customers.js';
import { last4 } from '../../../domain/kernel/phone-numbers.js';
import type { CustomerRecord } from '../../../domain/kernel/types.js';
import { changeMfaSettings, viewMfaSettings, type MfaChange } from '../../../domain/settings/mfa.js';
import { changePassword, type PasswordChange } from '../../../domain/settings/passwords.js';
import { changePhone, type PhoneChange } from '../../../domain/settings/phone.js';
import { changeProfile, type ProfileChange } from '../../../domain/settings/profile.js';
import { changeNoticePreferences, viewNoticePreferences } from '../../../domain/settings/notice-preferences.js';
import { confirmEmailChange, pendingEmailOf } from '../../../domain/settings/email-change.js';
import { answer } from '../../answer.js';
import { bankAccount, body, challengeId, enumOf, secret, text } from '../../schemas.js';
import { setSessionCookie } from '../../session.js';

function viewProfile(customer: CustomerRecord, pendingEmail: string | null = null) {
  return {
    pendingEmail,
    name: customer.name,
    email: customer.email,
    address: customer.address,
    bankAccount: customer.bankAccount && { ...customer.bankAccount, last4: last4(customer.bankAccount.accountNumber) },
  };
}

/** Two-factor settings, phone, passwords, registration details (registered inside the signed-in scope). */
export function settingsRoutes(app: FastifyInstance, kabuto: Kabuto): void {
  const { config } = kabuto;

  app.get('/api/v1/settings/mfa', async (request) => viewMfaSettings(request.deps, request.customer!));

  app.put<{ Body: MfaChange }>(
    '/api/v1/settings/mfa',
    {
      schema: {
        body: body(
          { method: enumOf('none', 'sms', 'totp', 'passkey'), scope: enumOf('login', 'all'), tradingPassword: secret, challengeId },
          ['method', 'scope', 'tradingPassword'],
        ),
      },
    },
    async (request, reply) =>
      answer(request, reply, await changeMfaSettings(request.deps, request.customer!, request.session!, request.body), (result) => {
        if (result.token) setSessionCookie(request, reply, result.token, config.publicOrigin);
        return result.settings;
      }),
  );

  app.put<{ Body: PhoneChange }>(
    '/api/v1/settings/phone',
    { schema: { body: body({ phone: text(32, 1), tradingPassword: secret, challengeId }, ['phone', 'tradingPassword']) } },
    async (request, reply) => answer(request, reply, await changePhone(request.deps, request.customer!, request.session!, request.body), (customer) => viewCustomer(request.deps, customer)),
  );

  for (const [path, kind] of [['password', 'login'], ['trading-password', 'trading']] as const) {
    app.put<{ Body: PasswordChange }>(
      `/api/v1/settings/${path}`,
      { schema: { body: body({ currentPassword: secret, newPassword: secret, challengeId }, ['currentPassword', 'newPassword']) } },
      async (request, reply) =>
        answer(request, reply, await changePassword(request.deps, request.customer!, request.session!, kind, request.body), (result) => {
          setSessionCookie(request, reply, result.token, config.publicOrigin);
          return { status: 'changed' };
        }),
    );
  }

  app.get('/api/v1/settings/notices', async (request) => viewNoticePreferences(request.deps, request.customer!));

  app.put<{ Body: { everySignIn: boolean } }>('/api/v1/settings/notices', { schema: { body: body({ everySignIn: { type: 'boolean' } }, ['everySignIn']) } }, async (request) =>
    changeNoticePreferences(request.deps, request.customer!, request.body),
  );

  app.get('/api/v1/settings/profile', async (request) => viewProfile(request.customer!, await pendingEmailOf(request.deps, request.customer!.id)));

  // The code sent to a new e-mail address: the change takes effect.
  app.post<{ Body: { code: string } }>('/api/v1/settings/email/confirm', { schema: { body: body({ code: text(32, 1) }, ['code']) } }, async (request, reply) =>
    answer(request, reply, await confirmEmailChange(request.deps, request.customer!, request.session!, request.body.code)),
  );

  app.put<{ Body: ProfileChange }>(
    '/api/v1/settings/profile',
    { schema: { body: body({ email: text(254, 3), address: text(200), bankAccount, tradingPassword: secret, challengeId }, ['tradingPassword']) } },
    async (request, reply) =>
      answer(request, reply, await changeProfile(request.deps, request.customer!, request.session!, request.body), async (customer) => viewProfile(customer, await pendingEmailOf(request.deps, customer.id))),
  );
}
