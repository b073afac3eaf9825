import { useState } from 'react';
import { ApiError } from '../api/client';
import { confirmHoldWithPasskey, fetchHolds, type ConfirmedHold, type HeldItem } from '../api/holds';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { PageTitle } from '../components/PageTitle';
import { formatTime } from '../format';
import { useLoad } from '../hooks/useLoad';
import { errorText } from '../i18n/error-text';
import { useLanguage } from '../i18n/language-store';
import { useTexts } from '../i18n/texts';
import { useHoldTexts } from '../i18n/texts-holds';

/** 保留中のお取引: what the risk engine holds, with the plain reason; a mature passkey confirms one (it then runs). */
export function HoldsPage() {
  const t = useTexts();
  const h = useHoldTexts();
  const language = useLanguage();
  const holds = useLoad(fetchHolds);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<ConfirmedHold | null>(null);

  const confirm = (item: HeldItem) => {
    if (busy) return;
    setBusy(item.hold.id);
    setError(null);
    setOutcome(null);
    confirmHoldWithPasskey(item.hold.id)
      .then((confirmed) => {
        setOutcome(confirmed);
        holds.reload();
      })
      .catch(setError)
      .finally(() => setBusy(null));
  };

  const refusal = outcome && typeof outcome.result === 'object' && outcome.result !== null && 'refused' in outcome.result ? String((outcome.result as { refused: unknown }).refused) : null;

  return (
    <>
      <PageTitle title={h.title}>{h.title}</PageTitle>
      <p>{h.intro}</p>
      {outcome && !refusal ? <Alert kind="success">{h.ran}</Alert> : null}
      {refusal ? (
        <Alert kind="error">
          {h.refused} {errorText(t, new ApiError(400, refusal, '', {}))}
        </Alert>
      ) : null}
      {error ? <Alert kind="error">{errorText(t, error, 'hold')}</Alert> : null}
      {holds.state === 'loading' ? <p>{t.loading}</p> : null}
      {holds.state === 'failed' ? <Alert kind="error" focus={false}>{errorText(t, holds.error)}</Alert> : null}
      {holds.state === 'ready' && holds.data.length === 0 ? <p>{h.none}</p> : null}
      {holds.state === 'ready' && holds.data.length > 0 ? (
        <ul className="hold-list">
          {holds.data.map((item) => (
            <li key={item.hold.id} className="card" data-testid="hold">
              <dl className="pairs">
                <dt>{h.what}</dt>
                <dd>{language === 'en' ? item.whatEn : item.what}</dd>
                <dt>{h.heldAt}</dt>
                <dd>{formatTime(item.hold.heldAt, language)}</dd>
                <dt>{h.status}</dt>
                <dd>{h.statuses[item.status] ?? item.status}</dd>
              </dl>
              {item.status === 'held' ? (
                <>
                  <p className="help">{item.reason[language]}</p>
                  <BusyButton type="button" busy={busy === item.hold.id} onClick={() => confirm(item)}>
                    {h.confirm}
                  </BusyButton>
                  <p className="help">{h.confirmNote}</p>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
