import { useState, type FormEvent } from 'react';
import { verifyWithCode, verifyWithPasskey } from '../api/factors';
import type { Challenge, Customer } from '../api/types';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useFactorTexts } from '../i18n/texts-factors';
import { Alert } from './Alert';
import { Field } from './Field';

type Verified = { status: 'verified' } | { status: 'signed_in'; customer: Customer };

/** A challenge answered with a passkey, an authenticator-app code or a recovery code (besides SMS/voice). */
export function FactorChallengePanel({ challenge, onVerified }: { challenge: Challenge; onVerified(result: Verified): Promise<void> }) {
  const t = useTexts();
  const f = useFactorTexts();
  const offered = new Set(challenge.methods.map((m) => m.type));
  const [totp, setTotp] = useState('');
  const [recovery, setRecovery] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!offered.has('passkey') && !offered.has('totp') && !offered.has('recovery_code')) return null;

  const run = async (verify: () => Promise<Verified & { recoveryCodesLeft?: number }>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await verify();
      if (result.recoveryCodesLeft !== undefined) setNote(f.challenge.left(result.recoveryCodesLeft));
      await onVerified(result);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const submit = (method: 'totp' | 'recovery_code', code: string) => (event: FormEvent) => {
    event.preventDefault();
    void run(() => verifyWithCode(challenge, method, code));
  };

  return (
    <div className="factor-methods">
      {offered.size === 1 && offered.has('passkey') ? <p>{f.challenge.phishingResistant}</p> : null}
      {offered.has('passkey') ? (
        <button type="button" className="primary" disabled={busy} onClick={() => void run(() => verifyWithPasskey(challenge))}>
          {f.challenge.passkey}
        </button>
      ) : null}
      {offered.has('totp') ? (
        <form onSubmit={submit('totp', totp)}>
          <Field label={f.challenge.totp} name="totpCode" inputMode="numeric" autoComplete="one-time-code" maxLength={8} value={totp} onChange={(e) => setTotp(e.target.value)} />
          <button type="submit" disabled={busy}>
            {f.challenge.verify}
          </button>
        </form>
      ) : null}
      {offered.has('recovery_code') ? (
        <details>
          <summary>{f.challenge.recovery}</summary>
          <form onSubmit={submit('recovery_code', recovery)}>
            <Field label={f.challenge.recovery} name="recoveryCode" autoComplete="off" maxLength={24} value={recovery} onChange={(e) => setRecovery(e.target.value)} />
            <button type="submit" disabled={busy}>
              {f.challenge.verify}
            </button>
          </form>
        </details>
      ) : null}
      {note ? <Alert kind="info">{note}</Alert> : null}
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
    </div>
  );
}
