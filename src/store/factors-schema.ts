// Kysely's view of the tables of migration 0003_factors (camelCase here, snake_case in SQL).

export interface TotpFactorsTable {
  customerId: string;
  secretEnc: string | null;
  pendingEnc: string | null;
  lastStep: number | null;
  confirmedAt: number | null;
  updatedAt: number;
}

export interface PasskeysTable {
  id: string;
  customerId: string;
  name: string;
  publicKey: string;
  counter: number;
  transports: string;
  deviceType: string;
  backedUp: number;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface RecoveryCodesTable {
  customerId: string;
  codeHash: string;
  createdAt: number;
  usedAt: number | null;
}

export interface WebAuthnChallengesTable {
  challenge: string;
  purpose: string;
  customerId: string | null;
  expiresAt: number;
}

export interface KnownDevicesTable {
  customerId: string;
  deviceHash: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Since when the device is trusted (a sign-in that found it new, or its trust expired, renews it). */
  trustedAt: number | null;
  userAgent: string | null;
  address: string | null;
}

// A type alias, not an interface: Kysely's withTables<T>() wants an indexable record.
export type FactorTables = {
  totpFactors: TotpFactorsTable;
  passkeys: PasskeysTable;
  recoveryCodes: RecoveryCodesTable;
  webauthnChallenges: WebAuthnChallengesTable;
  knownDevices: KnownDevicesTable;
};
