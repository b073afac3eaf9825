// The persistence of second factors beyond the phone, as the domain sees it (src/store implements
// it for SQLite and PostgreSQL). Every consume-once is one conditional statement in the store.

export interface TotpRecord {
  customerId: string;
  /** AES-256-GCM ciphertext of the confirmed secret, or null before the first confirmation. */
  secretEnc: string | null;
  /** An enrolment shown to the customer but not yet confirmed by a first code. */
  pendingEnc: string | null;
  lastStep: number | null;
  confirmedAt: number | null;
}

export interface PasskeyRecord {
  /** The credential ID, base64url. */
  id: string;
  customerId: string;
  name: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface WebAuthnChallengeRecord {
  challenge: string;
  /** `register`, `login`, or `challenge:<id>` (a step-up challenge answered by a passkey). */
  purpose: string;
  customerId: string | null;
  expiresAt: number;
}

export interface FactorStore {
  findTotp(customerId: string): Promise<TotpRecord | undefined>;
  saveTotpPending(customerId: string, pendingEnc: string, now: number): Promise<void>;
  /** pending → confirmed, only if the pending secret is still the one checked; records the step used. */
  confirmTotp(customerId: string, pendingEnc: string, step: number, now: number): Promise<boolean>;
  /** Accept a time step once: true only when it is later than the last accepted step. */
  useTotpStep(customerId: string, step: number): Promise<boolean>;
  deleteTotp(customerId: string): Promise<void>;

  insertPasskey(passkey: PasskeyRecord): Promise<void>;
  findPasskey(id: string): Promise<PasskeyRecord | undefined>;
  listPasskeys(customerId: string): Promise<PasskeyRecord[]>;
  /** Store the new signature counter, only if nobody moved it meanwhile. */
  updatePasskeyCounter(id: string, expected: number, next: number, now: number): Promise<boolean>;
  deletePasskey(customerId: string, id: string): Promise<boolean>;

  /** The old set dies with the new one, in one transaction. */
  replaceRecoveryCodes(customerId: string, hashes: string[], now: number): Promise<void>;
  /** Mark one unused code used; exactly one concurrent caller wins. */
  useRecoveryCode(customerId: string, hash: string, now: number): Promise<boolean>;
  countRecoveryCodes(customerId: string): Promise<{ remaining: number; total: number }>;
  /**
   * What the factor summary needs, in one read (one round trip): whether a TOTP is confirmed, when each
   * passkey was registered (oldest first), and the recovery codes left of those issued.
   */
  factorFacts(customerId: string): Promise<{ totp: boolean; passkeysCreatedAt: number[]; recoveryCodes: { remaining: number; total: number } }>;

  insertWebAuthnChallenge(record: WebAuthnChallengeRecord, now: number): Promise<void>;
  /** Delete and return true when the challenge exists for this purpose and customer and is fresh. */
  consumeWebAuthnChallenge(challenge: string, purpose: string, customerId: string | null, now: number): Promise<boolean>;

  /** An operator's reset after a lost device: app secret, passkeys and recovery codes go, in one transaction. */
  deleteAllFactors(customerId: string): Promise<void>;

  /** With `trustedSince`: only a device whose trust began then or later counts (older trust has expired). */
  isKnownDevice(customerId: string, deviceHash: string, trustedSince?: number): Promise<boolean>;
  /** When the customer last completed a sign-in with this device; undefined: never (the risk engine's device signal). */
  deviceLastSeen(customerId: string, deviceHash: string): Promise<number | undefined>;
  /** Seen now; `device.renewTrust` starts its trust afresh (a sign-in that found it new). */
  rememberDevice(customerId: string, deviceHash: string, now: number, device?: { userAgent: string; address: string; renewTrust: boolean }): Promise<void>;
  /** The customer's known devices, most recently seen first. */
  listDevices(customerId: string): Promise<KnownDeviceRecord[]>;
  /** Forget one device (true when it was known), or every device of the customer (`deviceHash` undefined). */
  forgetDevices(customerId: string, deviceHash?: string): Promise<number>;
}

export interface KnownDeviceRecord {
  deviceHash: string;
  firstSeenAt: number;
  lastSeenAt: number;
  trustedAt: number;
  userAgent: string | null;
  address: string | null;
}
