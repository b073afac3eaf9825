import { fetchPasskeys, fetchRecoveryCodes, fetchTotp } from '../api/factors';
import { useLoad } from '../hooks/useLoad';
import { useTexts } from '../i18n/texts';
import { Link } from '../router';
import { useSession } from '../session';

export interface FactorSummary {
  passkeys: number;
  totp: boolean;
  recoveryCodes: { remaining: number; total: number; low: boolean };
}

export async function fetchFactorSummary(): Promise<FactorSummary> {
  const [passkeys, totp, recoveryCodes] = await Promise.all([fetchPasskeys(), fetchTotp(), fetchRecoveryCodes()]);
  return { passkeys: passkeys.passkeys.length, totp: totp.enrolled, recoveryCodes };
}

export type Suggestion = 'mfa' | 'passkey' | 'recovery_codes' | null;

/** The next stronger step: 2FA on, then a passkey (phishing cannot beat it), then recovery codes for a lost phone. */
export function nextStep(mfaOn: boolean, factors: FactorSummary): Suggestion {
  if (!mfaOn) return 'mfa';
  if (factors.passkeys === 0) return 'passkey';
  if (factors.recoveryCodes.total === 0 || factors.recoveryCodes.low) return 'recovery_codes';
  return null;
}

const TARGET: Record<Exclude<Suggestion, null>, string> = { mfa: '/settings/mfa', passkey: '/settings/passkeys', recovery_codes: '/settings/recovery-codes' };

/** A card suggesting the next stronger step, or nothing when the customer has taken them all. */
export function NextStep({ factors }: { factors?: FactorSummary }) {
  const t = useTexts();
  const { customer } = useSession();
  const loaded = useLoad(fetchFactorSummary);
  const summary = factors ?? (loaded.state === 'ready' ? loaded.data : null);
  if (!summary) return null;
  const step = nextStep(customer.mfa.method !== 'none', summary);
  if (!step) return null;
  return (
    <aside className="card next-step" aria-labelledby="next-step-heading" data-testid="next-step">
      <h2 id="next-step-heading">{t.securityCentre.nextTitle}</h2>
      <p>{t.securityCentre.next[step].body}</p>
      <Link to={TARGET[step]}>{t.securityCentre.next[step].link}</Link>
    </aside>
  );
}
