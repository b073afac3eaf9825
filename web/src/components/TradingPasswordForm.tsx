import { useState, type FormEvent, type ReactNode } from 'react';
import { useFactorTexts } from '../i18n/texts-factors';
import { TradingPasswordField } from './TradingPasswordField';

/** The trading password every factor change starts with (then, with 2FA on, the current factor). */
export function TradingPasswordForm({
  submitLabel,
  disabled,
  onSubmit,
  children,
  actions,
}: {
  submitLabel: string;
  disabled: boolean;
  onSubmit(tradingPassword: string): void;
  children?: ReactNode;
  /** Further buttons beside the submit one (e.g. やめる). */
  actions?: ReactNode;
}) {
  const f = useFactorTexts();
  const [tradingPassword, setTradingPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (disabled) return;
    onSubmit(tradingPassword);
    setTradingPassword('');
  };
  return (
    <form className="card" onSubmit={submit}>
      {children}
      <TradingPasswordField label={f.common.tradingPassword} disabled={disabled} value={tradingPassword} onChange={setTradingPassword} />
      <div className="actions">
        <button type="submit" className="primary" disabled={disabled}>
          {submitLabel}
        </button>
        {actions}
      </div>
    </form>
  );
}
