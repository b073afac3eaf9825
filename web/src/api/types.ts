import type { components } from './schema';

// The shapes of the API as the portal reads them: aliases into the types generated from the server's
// OpenAPI document (schema.ts, `npm run api-types`; `npm run lint` fails when it is stale).

type Schemas = components['schemas'];

export type Customer = Schemas['Customer'];
export type MfaMethod = Customer['mfa']['method'];
export type MfaScope = Customer['mfa']['scope'];
export type ChallengeMethod = Schemas['ChallengeMethod'];
export type Challenge = Schemas['Challenge'];
export type CodeSent = Schemas['CodeSent'];
export type LoginResult = Schemas['LoginResult'];
export type Verified = Schemas['Verified'];
export type MfaSettings = Schemas['MfaSettings'];
/** An operation only a passkey may approve under the installation's phishing-resistant policy. */
export type BankAccount = Schemas['BankAccount'];
export type Profile = Schemas['Profile'];
export type Holding = Schemas['Holding'];
export type Account = Schemas['Account'];
export type Instrument = Schemas['Instrument'];
export type Withdrawal = Schemas['Withdrawal'];
/** An order or a withdrawal the risk engine held (202): nothing ran yet (holds.ts). */
export type Held = Schemas['Held'];
export type Order = Schemas['Order'];
export type LoginEvent = Schemas['LoginEvent'];
export type LoginSummary = Schemas['LoginSummary'];
export type SecurityEvent = Schemas['SecurityEvent'];
export type CashEntry = Schemas['CashEntry'];
export type Passkey = Schemas['Passkey'];
export type TotpEnrolment = Schemas['TotpEnrolment'];
export type RecoveryCodesState = Schemas['RecoveryCodesState'];
