import { useState, type FormEvent } from 'react';
import { confirmTotp, fetchTotp, startTotp, type TotpEnrolment } from '../api/factors';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { PageTitle } from '../components/PageTitle';
import { StepUpSection } from '../components/StepUpSection';
import { TradingPasswordForm } from '../components/TradingPasswordForm';
import { useLoad } from '../hooks/useLoad';
import { useStepUp } from '../hooks/useStepUp';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useFactorTexts } from '../i18n/texts-factors';

/** 認証アプリ: a QR code and the key in text, shown once; registered when a first code confirms it. */
export function TotpPage() {
  const t = useTexts();
  const f = useFactorTexts();
  const state = useLoad(fetchTotp);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const stepUp = useStepUp<TotpEnrolment>((started) => {
    setEnrolment(started);
    setDone(false);
  });

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await confirmTotp(code);
      setEnrolment(null);
      setCode('');
      setDone(true);
      state.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <>
      <PageTitle title={f.totp.title}>{f.totp.title}</PageTitle>
      <p>{f.totp.intro}</p>
      {done ? <Alert kind="success">{f.totp.done}</Alert> : null}
      {state.state === 'ready' && state.data.enrolled && !enrolment ? <Alert kind="info">{f.totp.enrolled}</Alert> : null}
      {stepUp.error ? <Alert kind="error">{errorText(t, stepUp.error)}</Alert> : null}
      {enrolment ? (
        <form className="card" onSubmit={confirm}>
          <p>{f.totp.scan}</p>
          <img src={enrolment.qrCode} alt={f.totp.qrAlt} width={240} height={240} />
          <p>
            {f.totp.secretLabel}: <code className="secret">{enrolment.secret.match(/.{1,4}/g)?.join(' ')}</code>
          </p>
          <Field label={f.totp.code} name="totpCode" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
          {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
          <button type="submit" className="primary">
            {f.totp.confirm}
          </button>
        </form>
      ) : stepUp.round ? null : (
        <TradingPasswordForm
          submitLabel={f.totp.start}
          disabled={stepUp.busy || stepUp.round !== null}
          onSubmit={(tradingPassword) => void stepUp.start((challengeId) => startTotp(tradingPassword, challengeId))}
        />
      )}
      <StepUpSection round={stepUp.round} execute={stepUp.execute} restart={stepUp.restart} />
    </>
  );
}
