import { useState } from 'react';
import { signInWithPasskey } from '../api/factors';
import type { Customer } from '../api/types';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useFactorTexts } from '../i18n/texts-factors';
import { Alert } from './Alert';

/** パスキーでログイン: no login ID, no password — the passkey says who, the fingerprint or PIN proves it. */
export function PasskeySignInButton({ onSignedIn }: { onSignedIn(customer: Customer): void }) {
  const t = useTexts();
  const f = useFactorTexts();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (typeof window.PublicKeyCredential === 'undefined') return null;
  const signIn = async () => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn((await signInWithPasskey()).customer);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card passkey-sign-in">
      <button type="button" className="secondary" disabled={busy} onClick={() => void signIn()}>
        {f.login.passkey}
      </button>
      <p className="help">{f.login.passkeyNote}</p>
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
    </div>
  );
}
