import { useId, useState, type FormEvent } from 'react';
import { errorIdFor } from '../api/field-errors';
import { putPhone } from '../api/endpoints';
import type { Customer } from '../api/types';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { Field } from '../components/Field';
import { TradingPasswordField } from '../components/TradingPasswordField';
import { PageTitle } from '../components/PageTitle';
import { StepUpSection } from '../components/StepUpSection';
import { useStepUp } from '../hooks/useStepUp';
import { maskedPhone } from '../format';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useSession } from '../session';
import { useDraft } from '../drafts';

/**
 * 電話認証番号: register or change the number. With 2FA on, the current factor first, then a code to
 * the new number (the server asks for each in turn).
 */
export function PhonePage() {
  const t = useTexts();
  const session = useSession();
  const phone = session.customer.phone;
  const [number, setNumber] = useDraft('phone');
  const [tradingPassword, setTradingPassword] = useState('');
  const errorId = useId();
  const [done, setDone] = useState(false);
  const stepUp = useStepUp<Customer>((customer) => {
    session.setCustomer(customer);
    setDone(true);
    setNumber('');
    setTradingPassword('');
  });
  const locked = stepUp.round !== null || stepUp.busy;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (stepUp.busy) return;
    setDone(false);
    const frozen = { number, tradingPassword };
    void stepUp.start((challengeId) => putPhone(frozen.number, frozen.tradingPassword, challengeId));
  };

  return (
    <>
      <PageTitle title={t.phone.title}>{t.phone.title}</PageTitle>
      {done ? <Alert kind="success">{t.phone.done}</Alert> : null}
      <p>
        {t.phone.current}:{' '}
        <strong data-testid="phone-current">
          {phone ? `${maskedPhone(phone.last4)}（${phone.type === 'mobile' ? t.phone.mobile : t.phone.landline}・${phone.verified ? t.phone.verified : t.phone.unverified}）` : t.phone.none}
        </strong>
      </p>
      {stepUp.round ? (
        <StepUpSection round={stepUp.round} execute={stepUp.execute} restart={stepUp.restart} />
      ) : (
      <form className="card" onSubmit={submit}>
        <Field
          label={t.phone.newNumber}
          help={t.phone.newNumberHelp}
          name="phone"
          errorId={errorIdFor(stepUp.error, 'phone', errorId)}
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          required
          disabled={locked}
          value={number}
          onChange={(e) => setNumber(e.target.value)}
        />
        <TradingPasswordField label={t.phone.tradingPassword} errorId={errorIdFor(stepUp.error, 'tradingPassword', errorId)} disabled={locked} value={tradingPassword} onChange={setTradingPassword} />
        {stepUp.error ? <Alert kind="error" id={errorId}>{errorText(t, stepUp.error)}</Alert> : null}
        <BusyButton type="submit" busy={stepUp.busy}>
          {t.common.next}
        </BusyButton>
      </form>
      )}
    </>
  );
}
