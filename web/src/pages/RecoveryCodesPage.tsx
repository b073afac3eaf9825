import { useEffect, useState } from 'react';
import { fetchRecoveryCodes, generateRecoveryCodes } from '../api/factors';
import { Alert } from '../components/Alert';
import { PageTitle } from '../components/PageTitle';
import { StepUpSection } from '../components/StepUpSection';
import { TradingPasswordForm } from '../components/TradingPasswordForm';
import { useLoad } from '../hooks/useLoad';
import { useStepUp } from '../hooks/useStepUp';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useFactorTexts } from '../i18n/texts-factors';

/** Copy, download (a text file made in the browser) and print: the codes never go back to the server. */
function CodeActions({ codes }: { codes: string[] }) {
  const f = useFactorTexts();
  const [note, setNote] = useState<string | null>(null);
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([`${f.recovery.fileHeading}\n\n${codes.join('\n')}\n`], { type: 'text/plain;charset=utf-8' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [codes, f.recovery.fileHeading]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setNote(f.recovery.copied);
    } catch {
      setNote(f.recovery.copyFailed);
    }
  };
  return (
    <>
      <div className="actions no-print">
        <button type="button" className="secondary" onClick={() => void copy()}>
          {f.recovery.copy}
        </button>
        {href ? (
          <a className="secondary button-link" href={href} download="kabuto-recovery-codes.txt">
            {f.recovery.download}
          </a>
        ) : null}
        <button type="button" className="secondary" onClick={() => window.print()}>
          {f.recovery.print}
        </button>
      </div>
      <p role="status" className="help">
        {note}
      </p>
    </>
  );
}

/** リカバリーコード: how many remain (a warning at 3 or fewer), and a new set shown exactly once. */
export function RecoveryCodesPage() {
  const t = useTexts();
  const f = useFactorTexts();
  const state = useLoad(fetchRecoveryCodes);
  const [codes, setCodes] = useState<string[] | null>(null);
  const stepUp = useStepUp<{ codes: string[] }>((result) => {
    setCodes(result.codes);
    state.reload();
  });

  return (
    <>
      <PageTitle title={f.recovery.title}>{f.recovery.title}</PageTitle>
      <p>{f.recovery.intro}</p>
      {state.state === 'ready' ? <p className="recovery-state">{f.recovery.state(state.data.remaining, state.data.total)}</p> : null}
      {state.state === 'ready' && state.data.low ? <Alert kind="error" focus={false}>{f.recovery.low}</Alert> : null}
      {stepUp.error ? <Alert kind="error">{errorText(t, stepUp.error)}</Alert> : null}
      {codes ? (
        <section className="card">
          <Alert kind="info">{f.recovery.shown}</Alert>
          <ol className="recovery-codes">
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ol>
          <CodeActions codes={codes} />
        </section>
      ) : null}
      {stepUp.round ? null : (
      <TradingPasswordForm
        submitLabel={f.recovery.generate}
        disabled={stepUp.busy || stepUp.round !== null}
        onSubmit={(tradingPassword) => {
          setCodes(null);
          void stepUp.start((challengeId) => generateRecoveryCodes(tradingPassword, challengeId));
        }}
      >
        <p>{f.recovery.warning}</p>
      </TradingPasswordForm>
      )}
      <StepUpSection round={stepUp.round} execute={stepUp.execute} restart={stepUp.restart} />
    </>
  );
}
