import { useState } from 'react';
import { createPasskey, fetchPasskeys, passkeyCreationOptions, removePasskey, type Passkey } from '../api/factors';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { PageTitle } from '../components/PageTitle';
import { StepUpSection } from '../components/StepUpSection';
import { TradingPasswordForm } from '../components/TradingPasswordForm';
import { useFocusOn } from '../hooks/useFocus';
import { useLoad } from '../hooks/useLoad';
import { useStepUp } from '../hooks/useStepUp';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useFactorTexts } from '../i18n/texts-factors';

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : null);

/** 削除の確認: what stops working, then the trading password (and, with 2FA on, the check). */
function RemovalConfirmation({ name, last, disabled, onCancel, onConfirm }: { name: string; last: boolean; disabled: boolean; onCancel(): void; onConfirm(tradingPassword: string): void }) {
  const f = useFactorTexts();
  const heading = useFocusOn<HTMLHeadingElement>(name);
  return (
    <section className="card warning-box" aria-labelledby="passkey-removal-heading">
      <h2 id="passkey-removal-heading" ref={heading} tabIndex={-1}>
        {f.passkeys.removeTitle(name)}
      </h2>
      <p>{f.passkeys.removeWarning}</p>
      {last ? <p>{f.passkeys.removeLast}</p> : null}
      <TradingPasswordForm
        submitLabel={f.passkeys.removeConfirm}
        disabled={disabled}
        onSubmit={onConfirm}
        actions={
          <button type="button" className="secondary" onClick={onCancel}>
            {f.common.cancel}
          </button>
        }
      />
    </section>
  );
}

/** パスキー: the registered passkeys (named), a new one, removal; each change after the trading password and step-up. */
export function PasskeysPage() {
  const t = useTexts();
  const f = useFactorTexts();
  const list = useLoad(fetchPasskeys);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<Passkey | null>(null);

  const adding = useStepUp<Awaited<ReturnType<typeof passkeyCreationOptions>>>(async (options) => {
    try {
      const created = await createPasskey(options, name.trim() || 'Passkey');
      setMessage(f.passkeys.added(created.name));
      setName('');
      list.reload();
    } catch (failure) {
      // The browser's dialog was dismissed, or the authenticator refused: nothing was registered.
      setError(failure);
    }
  });
  const removal = useStepUp<{ status: 'removed' }>(() => {
    setRemoving(null);
    setMessage(f.passkeys.removed);
    list.reload();
  });
  const busy = adding.busy || adding.round !== null || removal.busy || removal.round !== null;
  const failure = error ?? adding.error ?? removal.error;

  return (
    <>
      <PageTitle title={f.passkeys.title}>{f.passkeys.title}</PageTitle>
      <p>{f.passkeys.intro}</p>
      {message ? <Alert kind="success">{message}</Alert> : null}
      {failure ? <Alert kind="error">{errorText(t, failure, error ? 'passkey_creation' : 'form')}</Alert> : null}
      <section className="card">
        {list.state === 'ready' && list.data.passkeys.length === 0 ? <p>{f.passkeys.none}</p> : null}
        {list.state === 'failed' ? <Alert kind="error" focus={false}>{errorText(t, list.error)}</Alert> : null}
        {list.state === 'ready' && list.data.passkeys.length > 0 ? (
          <ul className="menu-list" aria-label={f.passkeys.title}>
            {list.data.passkeys.map((p) => (
              <li key={p.id}>
                <span>
                  <strong>{p.name}</strong>
                  <br />
                  <small>
                    {f.passkeys.created}: {date(p.createdAt)} / {f.passkeys.lastUsed}: {date(p.lastUsedAt) ?? f.common.neverUsed}
                  </small>
                </span>
                <button type="button" className="secondary" disabled={busy} onClick={() => setRemoving(p)}>
                  {f.common.remove}
                  <span className="visually-hidden">（{p.name}）</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      {adding.round || removal.round ? null : removing ? (
        <RemovalConfirmation
          name={removing.name}
          last={list.state === 'ready' && list.data.passkeys.length === 1}
          disabled={busy}
          onCancel={() => setRemoving(null)}
          onConfirm={(tradingPassword) => {
            setMessage(null);
            setError(null);
            const id = removing.id;
            void removal.start((challengeId) => removePasskey(id, tradingPassword, challengeId));
          }}
        />
      ) : (
        <TradingPasswordForm
          submitLabel={f.passkeys.add}
          disabled={busy}
          onSubmit={(tradingPassword) => {
            setMessage(null);
            setError(null);
            void adding.start((challengeId) => passkeyCreationOptions(tradingPassword, challengeId));
          }}
        >
          <Field label={f.passkeys.name} name="passkeyName" maxLength={64} disabled={busy} value={name} onChange={(e) => setName(e.target.value)} />
        </TradingPasswordForm>
      )}
      <StepUpSection round={adding.round} execute={adding.execute} restart={adding.restart} />
      <StepUpSection round={removal.round} execute={removal.execute} restart={removal.restart} />
    </>
  );
}
