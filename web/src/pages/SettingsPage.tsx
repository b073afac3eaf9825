import { fetchProfile } from '../api/endpoints';
import { Alert } from '../components/Alert';
import { PageTitle } from '../components/PageTitle';
import { useLoad } from '../hooks/useLoad';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { maskedPhone } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import { useFactorTexts } from '../i18n/texts-factors';

/** 登録情報: what is on record, and the ways to change the security settings. */
export function SettingsPage() {
  const t = useTexts();
  const f = useFactorTexts();
  const { customer } = useSession();
  const profile = useLoad(fetchProfile);
  const phone = customer.phone;
  return (
    <>
      <PageTitle title={t.settings.title}>{t.settings.title}</PageTitle>
      <section className="card">
        {profile.state === 'failed' ? <Alert kind="error" focus={false}>{errorText(t, profile.error)}</Alert> : null}
        <dl className="pairs">
          <dt>{t.settings.name}</dt>
          <dd>{customer.name}</dd>
          <dt>{t.settings.email}</dt>
          <dd>
            {customer.email} <Link to="/settings/email" className="inline-change">{t.settings.change}<span className="visually-hidden">（{t.profile.titles.email}）</span></Link>
          </dd>
          {profile.state === 'ready' ? (
            <>
              <dt>{t.settings.address}</dt>
              <dd>
                {profile.data.address || t.settings.none} <Link to="/settings/address" className="inline-change">{t.settings.change}<span className="visually-hidden">（{t.profile.titles.address}）</span></Link>
              </dd>
              <dt>{t.settings.bankAccount}</dt>
              <dd>
                {profile.data.bankAccount
                  ? `${profile.data.bankAccount.bankName} ${profile.data.bankAccount.branchName} ****${profile.data.bankAccount.accountNumber.slice(-4)}`
                  : t.settings.none}{' '}
                <Link to="/settings/bank-account" className="inline-change">{profile.data.bankAccount ? t.settings.change : t.settings.register}<span className="visually-hidden">（{t.profile.titles.bank}）</span></Link>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <ul className="menu-list">
        <li>
          <Link to="/settings/mfa">{t.settings.mfa}</Link>
          <span className="menu-state">
            {t.settings.mfaState(t.methods[customer.mfa.method] ?? customer.mfa.method, customer.mfa.method === 'none' ? '—' : (t.scopes[customer.mfa.scope] ?? ''))}
          </span>
        </li>
        <li>
          <Link to="/settings/passkeys">{f.nav.passkeys}</Link>
        </li>
        <li>
          <Link to="/settings/totp">{f.nav.totp}</Link>
        </li>
        <li>
          <Link to="/settings/recovery-codes">{f.nav.recoveryCodes}</Link>
        </li>
        <li>
          <Link to="/settings/phone">{t.settings.phone}</Link>
          <span className="menu-state">{phone ? `${maskedPhone(phone.last4)}（${phone.type === 'mobile' ? t.phone.mobile : t.phone.landline}）` : t.phone.none}</span>
        </li>
        <li>
          <Link to="/settings/password">{t.settings.password}</Link>
        </li>
        <li>
          <Link to="/settings/trading-password">{t.settings.tradingPassword}</Link>
        </li>
      </ul>
    </>
  );
}
