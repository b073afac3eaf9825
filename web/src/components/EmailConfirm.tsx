import { useState, type FormEvent } from 'react';
import { confirmEmailChange } from '../api/endpoints';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useDefenceTexts } from '../i18n/texts-defences';
import { Alert } from './Alert';
import { BusyButton } from './BusyButton';
import { Field } from './Field';

/** メールアドレスの確認: the code sent to the new address; the change takes effect only then. */
export function EmailConfirm({ email, onConfirmed }: { email: string; onConfirmed(): void }) {
  const t = useTexts();
  const d = useDefenceTexts();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await confirmEmailChange(code);
      onConfirmed();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)}>
      <p>{d.emailChange.sent(email)}</p>
      <Field label={d.emailChange.code} name="emailCode" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
      <BusyButton type="submit" busy={busy}>
        {d.emailChange.confirm}
      </BusyButton>
    </form>
  );
}
