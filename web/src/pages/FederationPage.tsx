import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { isApiError } from '../api/client';
import { verifyFederationWithPasskey } from '../api/factors';
import { abortFederation, continueFederation, fetchFederation, fetchMe, sendCode, verifyFederation, type FederationDetails, type FederationRedirect } from '../api/endpoints';
import type { Challenge, ChallengeMethod, Customer } from '../api/types';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { CodeField } from '../components/challenge/CodeField';
import { PageTitle } from '../components/PageTitle';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { LoginPage } from './LoginPage';

// 連携サービスへのログイン (docs/oidc.md): the OpenID Provider sends the browser here. Not signed in:
// Kabuto's own sign-in (the same form, codes, passkeys, locks and notices). Signed in: what the relying party
// asks (a sign-in, a level of assurance, a withdrawal to approve), then a step-up when it takes one; the
// answer sends the browser back to the relying party.

function leave(result: FederationRedirect) {
  window.location.assign(result.redirectTo);
}

export function FederationPage({ uid }: { uid: string }) {
  const t = useTexts();
  const [details, setDetails] = useState<FederationDetails | null>(null);
  // Signed in to Kabuto? (GET /api/v1/me: a 401 there is an answer, not a session ending.)
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [gone, setGone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<Challenge | null>(null);

  const load = useCallback(() => {
    fetchMe().then(
      () => {
        setSignedIn(true);
        fetchFederation(uid).then(setDetails, (failure: unknown) => (isApiError(failure, 'interaction_not_found') ? setGone(true) : setError(failure)));
      },
      () => setSignedIn(false),
    );
  }, [uid]);
  useEffect(load, [load]);

  const act = async (action: () => Promise<FederationRedirect>) => {
    setBusy(true);
    setError(null);
    try {
      leave(await action());
    } catch (failure) {
      if (isApiError(failure, 'step_up_required')) setChallenge(failure.fields.challenge as Challenge);
      else setError(failure);
      setBusy(false);
    }
  };

  if (gone) {
    return (
      <section>
        <PageTitle title={t.federation.title}>{t.federation.title}</PageTitle>
        <Alert kind="error">{t.federation.gone}</Alert>
      </section>
    );
  }
  if (signedIn === false) return <LoginPage onSignedIn={(_customer: Customer) => load()} />;
  if (!details) return <p role="status">{error ? errorText(t, error) : t.loading}</p>;

  const withdrawal = details.withdrawal;
  return (
    <section>
      <PageTitle title={t.federation.title}>{t.federation.title}</PageTitle>
      <p>{withdrawal ? t.federation.approvalLead(details.client.name) : t.federation.lead(details.client.name)}</p>
      {withdrawal && (
        <dl className="summary" data-testid="federation-withdrawal">
          <dt>{t.federation.amount}</dt>
          <dd>{withdrawal.amount.toLocaleString('ja-JP')}円</dd>
          <dt>{t.federation.account}</dt>
          <dd>{t.federation.accountLast4(withdrawal.bankAccountLast4)}</dd>
        </dl>
      )}
      {details.acr && (
        <p>
          {t.federation.assurance}: {t.federation.acr[details.acr] ?? details.acr}
        </p>
      )}
      {error !== null && <Alert kind="error">{errorText(t, error)}</Alert>}
      {challenge ? (
        <StepUp uid={uid} challenge={challenge} />
      ) : (
        <div className="actions">
          <BusyButton busy={busy} onClick={() => act(() => continueFederation(uid))}>
            {withdrawal && details.prompt === 'consent' ? t.federation.approve : t.federation.continue}
          </BusyButton>
          <BusyButton busy={busy} className="secondary" onClick={() => act(() => abortFederation(uid))}>
            {t.federation.decline}
          </BusyButton>
        </div>
      )}
    </section>
  );
}

/** The step-up the relying party's request takes: the methods the challenge offers (a passkey alone when phishing resistance is asked). */
function StepUp({ uid, challenge }: { uid: string; challenge: Challenge }) {
  const t = useTexts();
  const id = useId();
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sms = challenge.methods.find((m) => m.type === 'sms') as (ChallengeMethod & { phoneLast4: string }) | undefined;
  const passkey = challenge.methods.some((m) => m.type === 'passkey');

  const run = async (work: () => Promise<FederationRedirect | void>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await work();
      if (result) leave(result);
      else setBusy(false);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  const send = () =>
    run(async () => {
      await sendCode(challenge, 'sms');
      setSent(true);
    });
  const verifySms = (event: FormEvent) => {
    event.preventDefault();
    void run(() => verifyFederation(uid, { challengeId: challenge.id, method: 'sms', code: code.trim() }));
  };
  const verifyPasskey = () => run(() => verifyFederationWithPasskey(uid, challenge));

  return (
    <div className="step-up">
      <h2>{t.federation.stepUp}</h2>
      <p data-testid="challenge-summary">{challenge.summary}</p>
      {error !== null && (
        <Alert kind="error" id={`${id}-error`}>
          {errorText(t, error, 'challenge')}
        </Alert>
      )}
      {passkey && (
        <BusyButton busy={busy} onClick={verifyPasskey}>
          {t.federation.passkey}
        </BusyButton>
      )}
      {sms && (
        <form onSubmit={verifySms}>
          <p>{t.federation.smsTo(sms.phoneLast4)}</p>
          <BusyButton busy={busy} className="secondary" onClick={send}>
            {t.federation.send}
          </BusyButton>
          {sent && (
            <>
              <CodeField id={`${id}-code`} label={t.federation.code} value={code} onChange={setCode} invalid={error !== null} errorId={`${id}-error`} focusKey={sent} />
              <BusyButton busy={busy} type="submit">
                {t.federation.verify}
              </BusyButton>
            </>
          )}
        </form>
      )}
    </div>
  );
}
