import { useState, type FormEvent } from 'react';
import { completePasswordRecovery, freezeWithCode, liftSignInFreeze, recoverWithPasskey, remindLoginId, sendRecoveryCode, startPasswordRecovery } from '../api/endpoints';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { Field } from '../components/Field';
import { PageTitle } from '../components/PageTitle';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useDefenceTexts } from '../i18n/texts-defences';
import { Link } from '../router';

// パスワード・ログインIDをお忘れの方, and 取引の緊急停止 with a notice's code: pages for the signed out.

function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function BackToSignIn() {
  const d = useDefenceTexts();
  return (
    <p className="login-links">
      <Link to="/login">{d.recovery.back}</Link>
    </p>
  );
}

export function ForgotPasswordPage() {
  const t = useTexts();
  const d = useDefenceTexts();
  const { busy, error, run } = useAction();
  const [loginId, setLoginId] = useState('');
  const [recoveryId, setRecoveryId] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [smsCode, setSmsCode] = useState('');
  const [recoveryCode, setRecoveryCode] = useState('');
  const [tradingPassword, setTradingPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [done, setDone] = useState(false);

  const start = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => setRecoveryId((await startPasswordRecovery(loginId)).recoveryId));
  };
  const complete = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await completePasswordRecovery(recoveryId!, { newPassword, smsCode, ...(recoveryCode ? { recoveryCode } : { tradingPassword }) });
      setDone(true);
    });
  };

  return (
    <div className="narrow">
      <PageTitle title={d.recovery.passwordTitle}>{d.recovery.passwordTitle}</PageTitle>
      <p>{d.recovery.passwordIntro}</p>
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
      {done ? (
        <Alert kind="success">{d.recovery.done}</Alert>
      ) : !recoveryId ? (
        <form className="card" onSubmit={start}>
          <Field label={d.recovery.loginId} name="loginId" autoComplete="username" required value={loginId} onChange={(e) => setLoginId(e.target.value)} />
          <BusyButton type="submit" busy={busy}>
            {d.recovery.start}
          </BusyButton>
        </form>
      ) : (
        <form className="card" onSubmit={complete}>
          <Field label={d.recovery.newPassword} name="newPassword" type="password" autoComplete="new-password" required value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
          <BusyButton
            busy={busy}
            className="secondary"
            onClick={() =>
              void run(async () => {
                await recoverWithPasskey(recoveryId, newPassword);
                setDone(true);
              })
            }
          >
            {d.recovery.usePasskey}
          </BusyButton>
          <hr />
          <BusyButton busy={busy} className="secondary" onClick={() => void run(async () => void (await sendRecoveryCode(recoveryId), setSent(true)))}>
            {d.recovery.sendCode}
          </BusyButton>
          {sent ? <Alert kind="info">{d.recovery.codeSent}</Alert> : null}
          <Field label={d.recovery.smsCode} name="smsCode" inputMode="numeric" autoComplete="one-time-code" value={smsCode} onChange={(e) => setSmsCode(e.target.value)} />
          <Field label={d.recovery.recoveryCode} name="recoveryCode" autoComplete="off" value={recoveryCode} onChange={(e) => setRecoveryCode(e.target.value)} />
          <Field label={d.recovery.tradingPassword} name="tradingPassword" type="password" autoComplete="off" value={tradingPassword} onChange={(e) => setTradingPassword(e.target.value)} />
          <BusyButton type="submit" busy={busy}>
            {d.recovery.submit}
          </BusyButton>
        </form>
      )}
      <BackToSignIn />
    </div>
  );
}

export function ForgotLoginIdPage() {
  const t = useTexts();
  const d = useDefenceTexts();
  const { busy, error, run } = useAction();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await remindLoginId(email);
      setSent(true);
    });
  };
  return (
    <div className="narrow">
      <PageTitle title={d.recovery.loginIdTitle}>{d.recovery.loginIdTitle}</PageTitle>
      <p>{d.recovery.loginIdIntro}</p>
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
      {sent ? (
        <Alert kind="success">{d.recovery.loginIdSent}</Alert>
      ) : (
        <form className="card" onSubmit={submit}>
          <Field label={d.recovery.email} name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <BusyButton type="submit" busy={busy}>
            {d.recovery.start}
          </BusyButton>
        </form>
      )}
      <BackToSignIn />
    </div>
  );
}

export function FreezeWithCodePage() {
  const t = useTexts();
  const d = useDefenceTexts();
  const { busy, error, run } = useAction();
  const [loginId, setLoginId] = useState('');
  const [code, setCode] = useState('');
  const [notMe, setNotMe] = useState(false);
  const [frozen, setFrozen] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await freezeWithCode(loginId, code, notMe);
      setFrozen(true);
    });
  };
  return (
    <div className="narrow">
      <PageTitle title={d.recovery.freezeTitle}>{d.recovery.freezeTitle}</PageTitle>
      <p>{d.recovery.freezeIntro}</p>
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
      {frozen ? (
        <Alert kind="success">{d.recovery.frozen}</Alert>
      ) : (
        <form className="card" onSubmit={submit}>
          <Field label={d.recovery.loginId} name="loginId" autoComplete="username" required value={loginId} onChange={(e) => setLoginId(e.target.value)} />
          <Field label={d.recovery.freezeCode} name="freezeCode" autoComplete="off" required value={code} onChange={(e) => setCode(e.target.value)} />
          <label className="checkbox">
            <input type="checkbox" checked={notMe} onChange={(e) => setNotMe(e.target.checked)} /> {d.recovery.notMe}
          </label>
          <BusyButton type="submit" busy={busy} className="danger">
            {d.recovery.freezeSubmit}
          </BusyButton>
        </form>
      )}
      <BackToSignIn />
    </div>
  );
}

export function LiftSignInFreezePage() {
  const t = useTexts();
  const d = useDefenceTexts();
  const { busy, error, run } = useAction();
  const [lifted, setLifted] = useState(false);
  return (
    <div className="narrow">
      <PageTitle title={d.recovery.unfreezeTitle}>{d.recovery.unfreezeTitle}</PageTitle>
      <p>{d.recovery.unfreezeIntro}</p>
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
      {lifted ? (
        <Alert kind="success">{d.recovery.unfrozen}</Alert>
      ) : (
        <BusyButton
          busy={busy}
          onClick={() =>
            void run(async () => {
              await liftSignInFreeze();
              setLifted(true);
            })
          }
        >
          {d.recovery.unfreezeButton}
        </BusyButton>
      )}
      <BackToSignIn />
    </div>
  );
}
