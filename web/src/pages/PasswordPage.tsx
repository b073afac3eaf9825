import { useId, useState, type FormEvent } from 'react';
import { errorIdFor } from '../api/field-errors';
import { putPassword } from '../api/endpoints';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { Field } from '../components/Field';
import { PageTitle } from '../components/PageTitle';
import { StepUpSection } from '../components/StepUpSection';
import { useStepUp } from '../hooks/useStepUp';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useSession } from '../session';

/** ログインパスワード / 取引パスワードの変更; with 2FA on, confirmed by a code. */
export function PasswordPage({ kind }: { kind: 'login' | 'trading' }) {
  const t = useTexts();
  const { customer } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const errorId = useId();
  const mismatchId = useId();
  const stepUp = useStepUp<{ status: 'changed' }>(() => {
    setDone(true);
    setCurrent('');
    setNext('');
    setConfirmation('');
  });
  const locked = stepUp.round !== null || stepUp.busy;
  const title = kind === 'login' ? t.password.loginTitle : t.password.tradingTitle;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (stepUp.busy) return;
    setDone(false);
    setMismatch(next !== confirmation);
    if (next !== confirmation) return;
    const frozen = { current, next };
    void stepUp.start((challengeId) => putPassword(kind, frozen.current, frozen.next, challengeId));
  };

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      {done ? <Alert kind="success">{t.password.done}</Alert> : null}
      {stepUp.round ? (
        <StepUpSection round={stepUp.round} execute={stepUp.execute} restart={stepUp.restart} />
      ) : (
      <form className="card" onSubmit={submit}>
        <Field
          label={kind === 'login' ? t.password.current : t.password.currentTrading}
          name="currentPassword"
          errorId={errorIdFor(stepUp.error, 'currentPassword', errorId)}
          type="password"
          autoComplete={kind === 'login' ? 'current-password' : 'off'}
          required
          disabled={locked}
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <Field
          label={t.password.next}
          help={kind === 'login' ? t.password.loginRules : t.password.tradingRules}
          name="newPassword"
          errorId={errorIdFor(stepUp.error, 'newPassword', errorId)}
          type="password"
          autoComplete={kind === 'login' ? 'new-password' : 'off'}
          required
          disabled={locked}
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <Field
          label={t.password.confirm}
          name="confirmPassword"
          errorId={mismatch ? mismatchId : null}
          type="password"
          autoComplete={kind === 'login' ? 'new-password' : 'off'}
          required
          disabled={locked}
          value={confirmation}
          onChange={(e) => setConfirmation(e.target.value)}
        />
        {mismatch ? <Alert kind="error" id={mismatchId}>{t.password.mismatch}</Alert> : null}
        {stepUp.error ? <Alert kind="error" id={errorId}>{errorText(t, stepUp.error)}</Alert> : null}
        <BusyButton type="submit" busy={stepUp.busy}>
          {customer.mfa.method !== 'none' ? t.common.next : t.common.execute}
        </BusyButton>
      </form>
      )}
    </>
  );
}
