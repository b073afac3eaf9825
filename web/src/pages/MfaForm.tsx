import { useId, useState, type FormEvent } from 'react';
import { errorIdFor } from '../api/field-errors';
import type { MfaMethod, MfaScope, MfaSettings } from '../api/types';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { TradingPasswordField } from '../components/TradingPasswordField';
import { StepUpSection } from '../components/StepUpSection';
import { useStepUp } from '../hooks/useStepUp';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { Link } from '../router';
import { useSession } from '../session';
import { putMfaSettings } from '../api/endpoints';

export function MfaForm({ settings, onChanged }: { settings: MfaSettings; onChanged(next: MfaSettings): void }) {
  const t = useTexts();
  const session = useSession();
  const sms = settings.available.sms;
  // With 2FA off, the first method the customer can use is pre-selected (SMS for the seed's mobile customer).
  const firstAvailable = (['sms', 'totp', 'passkey'] as const).find((m) => settings.available[m].available) ?? 'none';
  const [method, setMethod] = useState<MfaMethod>(settings.method !== 'none' ? settings.method : firstAvailable);
  // 全て利用する is recommended, and pre-selected unless the customer chose otherwise.
  const [scope, setScope] = useState<MfaScope>(settings.method !== 'none' ? settings.scope : 'all');
  const [tradingPassword, setTradingPassword] = useState('');
  const errorId = useId();
  const stepUp = useStepUp<MfaSettings>((next) => {
    setTradingPassword('');
    onChanged(next);
    void session.refresh();
  });
  const locked = stepUp.round !== null || stepUp.busy;
  const changing = method !== settings.method || scope !== settings.scope;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (stepUp.busy) return;
    const frozen = { method, scope, tradingPassword };
    void stepUp.start((challengeId) => putMfaSettings(frozen.method, frozen.scope, frozen.tradingPassword, challengeId));
  };

  const smsReason = sms.available ? null : (t.mfa.smsReasons[sms.reason ?? ''] ?? t.mfa.smsUnavailableOther);
  return (
    <>
      <p>
        {t.mfa.current}: <strong data-testid="mfa-current">{t.methods[settings.method]}{settings.method !== 'none' ? `（${t.scopes[settings.scope]}）` : ''}</strong>
      </p>
      {stepUp.round ? (
        <StepUpSection
          round={stepUp.round}
          execute={stepUp.execute}
          restart={stepUp.restart}
          details={
            <dl className="summary" data-testid="mfa-confirm">
              <dt>{t.mfa.methodLegend}</dt>
              <dd>{t.methods[method]}</dd>
              {method !== 'none' ? (
                <>
                  <dt>{t.mfa.scopeLegend}</dt>
                  <dd>{t.scopes[scope]}</dd>
                </>
              ) : null}
            </dl>
          }
        />
      ) : (
      <form className="card" onSubmit={submit}>
        <fieldset disabled={locked}>
          <legend>{t.mfa.methodLegend}</legend>
          <div className={`choice${sms.available ? '' : ' choice-disabled'}`}>
            <input type="radio" id="mfa-method-sms" name="method" value="sms" checked={method === 'sms'} disabled={!sms.available} aria-describedby={smsReason ? 'mfa-sms-reason' : undefined} onChange={() => setMethod('sms')} />
            <label htmlFor="mfa-method-sms">{t.mfa.sms}</label>
            {smsReason ? (
              <p className="choice-reason" id="mfa-sms-reason">
                {smsReason} <Link to="/settings/phone">{t.mfa.phoneLink}</Link>
              </p>
            ) : null}
          </div>
          {(['totp', 'passkey'] as const).map((factor) => {
            const available = settings.available[factor].available;
            return (
              <div key={factor} className={`choice${available ? '' : ' choice-disabled'}`}>
                <input
                  type="radio"
                  id={`mfa-method-${factor}`}
                  name="method"
                  value={factor}
                  checked={method === factor}
                  disabled={!available}
                  aria-describedby={available ? undefined : `mfa-${factor}-reason`}
                  onChange={() => setMethod(factor)}
                />
                <label htmlFor={`mfa-method-${factor}`}>{t.methods[factor]}</label>
                {available ? null : (
                  <p className="choice-reason choice-offer" id={`mfa-${factor}-reason`}>
                    {t.mfa.notEnrolled[factor]} <Link to={factor === 'totp' ? '/settings/totp' : '/settings/passkeys'}>{t.mfa.enrolLink[factor]}</Link>
                  </p>
                )}
              </div>
            );
          })}
          <div className={`choice${settings.requiredByPolicy ? ' choice-disabled' : ''}`}>
            <input type="radio" id="mfa-method-none" name="method" value="none" checked={method === 'none'} disabled={settings.requiredByPolicy} aria-describedby="mfa-none-note" onChange={() => setMethod('none')} />
            <label htmlFor="mfa-method-none">{t.mfa.none}</label>
            <p className="choice-reason" id="mfa-none-note">
              {settings.requiredByPolicy ? t.mfa.noneByPolicy : t.mfa.noneWarning}
            </p>
          </div>
        </fieldset>
        <fieldset disabled={locked || method === 'none'}>
          <legend>{t.mfa.scopeLegend}</legend>
          <div className="choice">
            <input type="radio" id="mfa-scope-login" name="scope" value="login" checked={scope === 'login'} aria-describedby="mfa-scope-login-help" onChange={() => setScope('login')} />
            <label htmlFor="mfa-scope-login">{t.mfa.scopeLogin}</label>
            <p className="choice-reason" id="mfa-scope-login-help">{t.mfa.scopeLoginHelp}</p>
          </div>
          <div className="choice">
            <input type="radio" id="mfa-scope-all" name="scope" value="all" checked={scope === 'all'} aria-describedby="mfa-scope-all-help" onChange={() => setScope('all')} />
            <label htmlFor="mfa-scope-all">
              {t.mfa.scopeAll} <span className="badge">{t.mfa.recommended}</span>
            </label>
            <p className="choice-reason" id="mfa-scope-all-help">{t.mfa.scopeAllHelp}</p>
          </div>
        </fieldset>
        <TradingPasswordField label={t.mfa.tradingPassword} errorId={errorIdFor(stepUp.error, 'tradingPassword', errorId)} disabled={locked || !changing} value={tradingPassword} onChange={setTradingPassword} />
        {stepUp.error ? <Alert kind="error" id={errorId}>{errorText(t, stepUp.error)}</Alert> : null}
        <BusyButton type="submit" busy={stepUp.busy} disabled={!changing}>
          {t.mfa.register}
        </BusyButton>
      </form>
      )}
    </>
  );
}
