import { useId, useState, type FormEvent } from 'react';
import { errorIdFor } from '../api/field-errors';
import { fetchAccount, fetchMfaSettings, fetchProfile, requestWithdrawal } from '../api/endpoints';
import type { BankAccount, Held, Withdrawal } from '../api/types';
import { isHeld } from '../api/holds';
import { HeldNotice } from '../components/HeldNotice';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { Field } from '../components/Field';
import { TradingPasswordField } from '../components/TradingPasswordField';
import { PageTitle } from '../components/PageTitle';
import { StepUpSection } from '../components/StepUpSection';
import { useLoad } from '../hooks/useLoad';
import { useStepUp } from '../hooks/useStepUp';
import { newIdempotencyKey } from '../format';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { useSession } from '../session';
import { useDraft } from '../drafts';
import { Link } from '../router';

function BankLine({ bank }: { bank: BankAccount }) {
  return <>{`${bank.bankName} ${bank.branchName} ****${bank.accountNumber.slice(-4)}`}</>;
}

/** 出金: amount and trading password; with scope 全て利用する, the code screen repeats amount and account. */
export function WithdrawalPage() {
  const t = useTexts();
  const { customer } = useSession();
  const account = useLoad(fetchAccount);
  const profile = useLoad(fetchProfile);
  // The installation's policy: under KABUTO_PHISHING_RESISTANT=withdrawal every withdrawal asks for a passkey.
  const mfaSettings = useLoad(fetchMfaSettings);
  const [amount, setAmount] = useDraft('amount');
  const [tradingPassword, setTradingPassword] = useState('');
  const errorId = useId();
  const [done, setDone] = useState<Withdrawal | Held | null>(null);
  const [frozenAmount, setFrozenAmount] = useState(0);
  const stepUp = useStepUp<Withdrawal | Held>((withdrawal) => {
    setDone(withdrawal);
    setAmount('');
    setTradingPassword('');
    account.reload();
  });
  const locked = stepUp.round !== null || stepUp.busy;
  const bank = profile.state === 'ready' ? profile.data.bankAccount : null;
  const passkeyOnly = mfaSettings.state === 'ready' && (mfaSettings.data.passkeyOnly ?? []).includes('withdrawal');
  const needsCode = customer.mfa.method !== 'none' && customer.mfa.scope === 'all';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (stepUp.busy) return;
    const frozen = { amount: Number(amount.replace(/[,，円\s]/g, '')), tradingPassword, key: newIdempotencyKey() };
    setFrozenAmount(frozen.amount);
    // One key for the first try and for the repeat with challengeId: money moves at most once.
    void stepUp.start((challengeId) => requestWithdrawal({ amount: frozen.amount, tradingPassword: frozen.tradingPassword, idempotencyKey: frozen.key }, challengeId));
  };

  if (done && isHeld(done)) {
    return (
      <>
        <PageTitle title={t.withdrawal.title}>{t.withdrawal.title}</PageTitle>
        <HeldNotice held={done} />
        <button type="button" className="secondary" onClick={() => setDone(null)}>
          {t.withdrawal.another}
        </button>
      </>
    );
  }

  if (done) {
    return (
      <>
        <PageTitle title={t.withdrawal.title}>{t.withdrawal.title}</PageTitle>
        <Alert kind="success">{t.withdrawal.done}</Alert>
        <dl className="pairs card" data-testid="withdrawal-result">
          <dt>{t.withdrawal.amount}</dt>
          <dd>{t.common.yen(done.amount)}</dd>
          <dt>{t.withdrawal.to}</dt>
          <dd>{bank ? <BankLine bank={bank} /> : `****${done.bankAccount.last4}`}</dd>
          <dt>{t.withdrawal.status}</dt>
          <dd>{t.withdrawal.statuses[done.status] ?? done.status}</dd>
        </dl>
        {done.status === 'pending' ? <p className="help">{t.withdrawal.pendingNote}</p> : null}
        <button type="button" className="secondary" onClick={() => setDone(null)}>
          {t.withdrawal.another}
        </button>
      </>
    );
  }

  return (
    <>
      <PageTitle title={t.withdrawal.title}>{t.withdrawal.title}</PageTitle>
      <section className="card">
        <dl className="pairs">
          <dt>{t.withdrawal.available}</dt>
          <dd data-testid="withdrawable">
            {account.state === 'ready' ? t.common.yen(account.data.cash.available) : account.state === 'failed' ? errorText(t, account.error) : t.loading}
          </dd>
          <dt>{t.withdrawal.to}</dt>
          <dd data-testid="bank-account">{bank ? <BankLine bank={bank} /> : profile.state === 'ready' ? t.withdrawal.noBank : t.loading}</dd>
        </dl>
      </section>
      {profile.state === 'ready' && !bank ? (
        <div className="card warning-box" data-testid="no-bank-account">
          <p>{t.withdrawal.noBankLead}</p>
          <Link to="/settings/bank-account">{t.withdrawal.registerBank}</Link>
        </div>
      ) : null}
      {stepUp.round || (profile.state === 'ready' && !bank) ? null : (
      <form className="card" onSubmit={submit}>
        <Field
          label={t.withdrawal.amount}
          name="amount"
          errorId={errorIdFor(stepUp.error, 'amount', errorId)}
          inputMode="numeric"
          autoComplete="off"
          required
          disabled={locked}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
        <TradingPasswordField label={t.withdrawal.tradingPassword} errorId={errorIdFor(stepUp.error, 'tradingPassword', errorId)} disabled={locked} value={tradingPassword} onChange={setTradingPassword} />
        {stepUp.error ? <Alert kind="error" id={errorId}>{errorText(t, stepUp.error)}</Alert> : null}
        <BusyButton type="submit" busy={stepUp.busy}>
          {passkeyOnly ? t.withdrawal.nextWithPasskey : needsCode ? t.common.next : t.common.execute}
        </BusyButton>
      </form>
      )}
      <StepUpSection
        round={stepUp.round}
        execute={stepUp.execute}
        restart={stepUp.restart}
        details={
          <div className="confirm-box" data-testid="withdrawal-confirm">
            <p>{t.withdrawal.confirmLead}</p>
            <dl className="pairs">
              <dt>{t.withdrawal.amount}</dt>
              <dd>{t.common.yen(frozenAmount)}</dd>
              <dt>{t.withdrawal.to}</dt>
              <dd>{bank ? <BankLine bank={bank} /> : '—'}</dd>
            </dl>
          </div>
        }
      />
    </>
  );
}
