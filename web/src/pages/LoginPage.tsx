import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { errorIdFor } from '../api/field-errors';
import { signIn, signInWithPasskeyAutofill } from '../api/endpoints';
import type { Challenge, Customer } from '../api/types';
import { Alert } from '../components/Alert';
import { ChallengePanel } from '../components/ChallengePanel';
import { Field } from '../components/Field';
import { PageTitle } from '../components/PageTitle';
import { PasskeySignInButton } from '../components/PasskeySignInButton';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useDefenceTexts } from '../i18n/texts-defences';
import { Link } from '../router';

/** ログイン: login ID and password; then, when a second factor is required, the code screen. */
export function LoginPage({ notice, onSignedIn }: { notice?: 'signed_out' | 'expired'; onSignedIn(customer: Customer): void }) {
  const t = useTexts();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const errorId = useId();
  const d = useDefenceTexts();

  // パスキーの自動入力: the browser offers the customer's passkeys in the login ID field's autofill
  // (WebAuthn conditional mediation); picking one signs in. Quietly nothing where unsupported.
  useEffect(() => {
    let alive = true;
    signInWithPasskeyAutofill().then(
      (result) => {
        if (alive && result) onSignedIn(result.customer);
      },
      (failure: unknown) => {
        // Only Kabuto's refusal of a passkey the customer picked is shown. The rest — a dismissed or
        // superseded autofill, a browser that cannot offer it, a request cut off — concerns no step the
        // customer took: the form stays as it is, with nothing to explain.
        if (alive && failure instanceof ApiError) setError(failure);
      },
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await signIn(loginId, password);
      if (result.status === 'signed_in') onSignedIn(result.customer);
      else setChallenge(result.challenge);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (challenge) {
    return (
      // Keyed: a new step, so its heading mounts anew and takes focus (the form that had it is gone).
      <div className="narrow" key="check">
        <PageTitle title={t.code.loginTitle}>{t.code.loginTitle}</PageTitle>
        <ChallengePanel
          key={challenge.id}
          challenge={challenge}
          onVerified={async (result) => {
            if (result.status === 'signed_in') onSignedIn(result.customer);
          }}
          onRestart={() => {
            setChallenge(null);
            setPassword('');
          }}
        />
        <p className="phishing-note">{t.login.phishingNote}</p>
      </div>
    );
  }

  return (
    <div className="narrow" key="password">
      <PageTitle title={t.login.title}>{t.login.title}</PageTitle>
      {notice === 'signed_out' ? <Alert kind="info">{t.common.signedOut}</Alert> : null}
      {notice === 'expired' ? <Alert kind="info">{t.common.sessionEnded}</Alert> : null}
      <form onSubmit={submit} className="card">
        <Field label={t.login.loginId} name="loginId" autoComplete="username webauthn" required value={loginId} onChange={(e) => setLoginId(e.target.value)} />
        <Field
          label={t.login.password}
          name="password"
          type="password"
          autoComplete="current-password"
          errorId={errorIdFor(error, 'password', errorId)}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error ? <Alert kind="error" id={errorId}>{errorText(t, error)}</Alert> : null}
        <button type="submit" className="primary" disabled={busy}>
          {t.login.submit}
        </button>
      </form>
      <PasskeySignInButton onSignedIn={onSignedIn} />
      <p className="phishing-note">{t.login.phishingNote}</p>
      <p className="login-links">
        <Link to="/recovery/password">{d.recovery.forgotPassword}</Link>
        <Link to="/recovery/login-id">{d.recovery.forgotLoginId}</Link>
        <Link to="/recovery/freeze">{d.recovery.freezeWithCode}</Link>
        <Link to="/recovery/unfreeze">{d.recovery.unfreezeLink}</Link>
        <Link to="/security/about#forgot">{t.login.forgot}</Link>
        <Link to="/security/about">{t.login.securityLink}</Link>
      </p>
    </div>
  );
}
