import { fetchAccount, fetchLoginSummary } from '../api/endpoints';
import { fetchHolds } from '../api/holds';
import { Alert } from '../components/Alert';
import { HoldingsTable } from '../components/HoldingsTable';
import { NextStep } from '../components/NextStep';
import { PasskeyInvitation } from '../components/PasskeyInvitation';
import { PageTitle } from '../components/PageTitle';
import { useLoad } from '../hooks/useLoad';
import { deviceOf, formatTime } from '../format';
import { useLanguage } from '../i18n/language-store';
import { useTexts } from '../i18n/texts';
import { useHoldTexts } from '../i18n/texts-holds';
import { Link } from '../router';
import { useSession } from '../session';

/** マイページ: cash, holdings and their value, the last sign-in. */
export function MyPage() {
  const t = useTexts();
  const h = useHoldTexts();
  const language = useLanguage();
  const { customer } = useSession();
  const account = useLoad(fetchAccount);
  // The sign-in before this session's (the server tells which is this one), and what happened since.
  const logins = useLoad(fetchLoginSummary);
  const last = logins.state === 'ready' ? logins.data.previous : null;
  // What the risk engine holds for the customer's passkey (保留中のお取引): said first, with the way to it.
  const holds = useLoad(fetchHolds);
  const waiting = holds.state === 'ready' ? holds.data.filter((item) => item.status === 'held').length : 0;
  const trouble = logins.state === 'ready' && (logins.data.failedSince > 0 || logins.data.locksSince > 0) ? logins.data : null;

  return (
    <>
      <PageTitle title={t.myPage.title}>{t.myPage.title}</PageTitle>
      <p className="greeting">{t.myPage.greeting(customer.name)}</p>
      {waiting > 0 ? (
        <Alert kind="info" focus={false}>
          {h.banner(waiting)} <Link to="/holds">{h.toHolds}</Link>
        </Alert>
      ) : null}
      <PasskeyInvitation />
      {customer.mfa.method === 'none' ? (
        <Alert kind="info">
          {t.myPage.mfaOff} <Link to="/settings/mfa">{t.myPage.mfaOffLink}</Link>
        </Alert>
      ) : null}
      {customer.mfa.method !== 'none' ? <NextStep /> : null}
      <section className="card" aria-labelledby="assets-heading">
        <h2 id="assets-heading">{t.myPage.assets}</h2>
        {account.state === 'loading' ? <p>{t.loading}</p> : null}
        {account.state === 'failed' ? <Alert kind="error" focus={false}>{t.myPage.accountUnavailable}</Alert> : null}
        {account.state === 'ready' ? (
          <>
            <dl className="figures">
              <div>
                <dt>{t.myPage.cash}</dt>
                <dd data-testid="cash-available">{t.common.yen(account.data.cash.available)}</dd>
              </div>
              {account.data.cash.pending > 0 ? (
                <div>
                  <dt>{t.myPage.pending}</dt>
                  <dd>{t.common.yen(account.data.cash.pending)}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t.myPage.totalValue}</dt>
                <dd data-testid="total-value">{t.common.yen(account.data.totalValue)}</dd>
              </div>
            </dl>
            <h3>{t.myPage.holdings}</h3>
            <HoldingsTable holdings={account.data.holdings} />
          </>
        ) : null}
      </section>
      <section className="card" aria-labelledby="last-sign-in-heading">
        <h2 id="last-sign-in-heading">{t.myPage.lastSignIn}</h2>
        {trouble ? (
          <div className="alert alert-error" role="alert" data-testid="sign-in-trouble">
            {t.myPage.troubleSince(trouble.failedSince, trouble.locksSince)} <Link to="/history/logins">{t.history.logins}</Link>
          </div>
        ) : null}
        {last ? (
          <dl className="pairs" data-testid="last-sign-in">
            <dt>{t.myPage.time}</dt>
            <dd>{formatTime(last.at, language)}</dd>
            <dt>{t.myPage.address}</dt>
            <dd>{last.address}</dd>
            <dt>{t.myPage.device}</dt>
            <dd>{deviceOf(last.userAgent)}</dd>
          </dl>
        ) : logins.state === 'loading' ? (
          <p>{t.loading}</p>
        ) : (
          <p data-testid="first-sign-in">{t.myPage.firstSignIn}</p>
        )}
        <p className="help">{t.myPage.notYourSignIn}</p>
        <p>
          <Link to="/history/logins">{t.myPage.historyLink}</Link>
        </p>
      </section>
    </>
  );
}
