import { useState } from 'react';
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
