import { useId, useState, type FormEvent } from 'react';
import { errorIdFor } from '../api/field-errors';
import { fetchProfile, putProfile, type ProfileChange } from '../api/endpoints';
import type { BankAccount, Profile } from '../api/types';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { Field } from '../components/Field';
import { PageTitle } from '../components/PageTitle';
import { EmailConfirm } from '../components/EmailConfirm';
import { StepUpSection } from '../components/StepUpSection';
import { TradingPasswordField } from '../components/TradingPasswordField';
import { useLoad } from '../hooks/useLoad';
import { useStepUp } from '../hooks/useStepUp';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { Link } from '../router';
import { useSession } from '../session';
import { useDraft } from '../drafts';

export type ProfileKind = 'email' | 'address' | 'bank';

const EMPTY_BANK: BankAccount = { bankName: '', branchName: '', accountNumber: '', holderName: '' };

/**
 * 登録情報の変更: the e-mail address, the address or the bank account for withdrawals. The trading password,
 * then (with 2FA scope 全て利用する, or a policy for bank accounts) the check; a new e-mail or bank account
 * holds withdrawals for 24 hours, as the server enforces.
 */
export function ProfileChangePage({ kind }: { kind: ProfileKind }) {
  const t = useTexts();
  const p = t.profile;
  const session = useSession();
  const profile = useLoad(fetchProfile);
  const [email, setEmail] = useDraft('email');
  const [address, setAddress] = useDraft('address');
  const [bank, setBank] = useState<BankAccount>(EMPTY_BANK);
  const [tradingPassword, setTradingPassword] = useState('');
  const [done, setDone] = useState<Profile | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const errorId = useId();
  const stepUp = useStepUp<Profile>((next) => {
    setDone(next);
    setTradingPassword('');
    void session.refresh();
  });
  const title = p.titles[kind];
  const locked = stepUp.busy;

  const change = (): ProfileChange => (kind === 'email' ? { email: email.trim() } : kind === 'address' ? { address: address.trim() } : { bankAccount: { ...bank, accountNumber: bank.accountNumber.trim() } });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (stepUp.busy) return;
    const frozen = { change: change(), tradingPassword };
    void stepUp.start((challengeId) => putProfile(frozen.change, frozen.tradingPassword, challengeId));
  };

  const current =
    profile.state !== 'ready'
      ? t.loading
      : kind === 'email'
        ? profile.data.email
        : kind === 'address'
          ? profile.data.address || t.settings.none
          : profile.data.bankAccount
            ? `${profile.data.bankAccount.bankName} ${profile.data.bankAccount.branchName} ****${profile.data.bankAccount.accountNumber.slice(-4)}`
            : t.settings.none;

  if (done && kind === 'email' && done.pendingEmail && !confirmed) {
    return (
      <>
        <PageTitle title={title}>{title}</PageTitle>
        <EmailConfirm
          email={done.pendingEmail}
          onConfirmed={() => {
            setConfirmed(true);
            void session.refresh();
          }}
        />
      </>
    );
  }

  if (done) {
    return (
      <>
        <PageTitle title={title}>{title}</PageTitle>
        <Alert kind="success">{p.done}</Alert>
        {kind !== 'address' ? <p className="help">{p.coolingOff}</p> : null}
        <p>
          <Link to="/settings">{p.back}</Link>
          {kind === 'bank' ? (
            <>
              {' / '}
              <Link to="/withdrawal">{t.nav.withdrawal}</Link>
            </>
          ) : null}
        </p>
      </>
    );
  }

  const bankField = (field: keyof BankAccount, label: string, extra: Record<string, unknown> = {}) => (
    <Field label={label} name={`bank-${field}`} required disabled={locked} value={bank[field] ?? ''} onChange={(e) => setBank({ ...bank, [field]: e.target.value })} {...extra} />
  );

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        {p.current}: <strong data-testid="profile-current">{current}</strong>
      </p>
      {stepUp.round ? (
        <StepUpSection
          round={stepUp.round}
          execute={stepUp.execute}
          restart={stepUp.restart}
          details={
            <dl className="summary" data-testid="profile-confirm">
              <dt>{p.next}</dt>
              <dd>{kind === 'email' ? email : kind === 'address' ? address : `${bank.bankName} ${bank.branchName} ****${bank.accountNumber.slice(-4)}`}</dd>
            </dl>
          }
        />
      ) : (
        <form className="card" onSubmit={submit}>
          {kind === 'email' ? (
            <Field label={p.email} name="email" type="email" autoComplete="email" required disabled={locked} errorId={errorIdFor(stepUp.error, 'email', errorId)} value={email} onChange={(e) => setEmail(e.target.value)} />
          ) : kind === 'address' ? (
            <Field label={p.address} name="address" autoComplete="street-address" required maxLength={200} disabled={locked} value={address} onChange={(e) => setAddress(e.target.value)} />
          ) : (
            <>
              {bankField('bankName', p.bankName)}
              {bankField('branchName', p.branchName)}
              {bankField('accountNumber', p.accountNumber, { inputMode: 'numeric', maxLength: 7, help: p.accountNumberHelp, autoComplete: 'off' })}
              {bankField('holderName', p.holderName, { help: p.holderNameHelp })}
            </>
          )}
          {kind !== 'address' ? <p className="help">{p.coolingOff}</p> : null}
          <TradingPasswordField label={t.mfa.tradingPassword} errorId={errorIdFor(stepUp.error, 'tradingPassword', errorId)} disabled={locked} value={tradingPassword} onChange={setTradingPassword} />
          {stepUp.error ? (
            <Alert kind="error" id={errorId}>
              {errorText(t, stepUp.error)}
            </Alert>
          ) : null}
          <BusyButton type="submit" busy={stepUp.busy}>
            {session.customer.mfa.method !== 'none' && session.customer.mfa.scope === 'all' ? t.common.next : t.common.execute}
          </BusyButton>
        </form>
      )}
    </>
  );
}
