import { PageTitle } from '../components/PageTitle';
import { fetchFactorSummary, NextStep } from '../components/NextStep';
import { maskedPhone } from '../format';
import { useLoad } from '../hooks/useLoad';
import { useTexts } from '../i18n/texts';
import { Link } from '../router';
import { useSession } from '../session';
import { useDefenceTexts } from '../i18n/texts-defences';

/** セキュリティ: every factor with its status and what can be done, 2FA, the phone, passwords, histories. */
export function SecurityCentrePage() {
  const t = useTexts();
  const s = t.securityCentre;
  const d = useDefenceTexts();
  const { customer } = useSession();
  const factors = useLoad(fetchFactorSummary);
  const ready = factors.state === 'ready' ? factors.data : null;
  const phone = customer.phone;
  const on = (yes: boolean) => <span className={`status ${yes ? 'status-on' : 'status-off'}`}>{yes ? s.on : s.off}</span>;

  return (
    <>
      <PageTitle title={s.title}>{s.title}</PageTitle>
      {ready ? <NextStep factors={ready} /> : null}
      <section className="card" aria-labelledby="sc-defences">
        <h2 id="sc-defences">{d.devices.title}</h2>
        <ul className="link-list">
          <li>
            <Link to="/security/devices">{d.links.devices}</Link>
          </li>
          <li>
            <Link to="/security/freeze">{d.links.freeze}</Link>
          </li>
        </ul>
      </section>
      <section className="card" aria-labelledby="sc-mfa">
        <h2 id="sc-mfa">{t.settings.mfa}</h2>
        <p data-testid="sc-mfa-state">
          {on(customer.mfa.method !== 'none')} {customer.mfa.method !== 'none' ? t.settings.mfaState(t.methods[customer.mfa.method] ?? '', t.scopes[customer.mfa.scope] ?? '') : ''}
        </p>
        <Link to="/settings/mfa">{s.changeMfa}</Link>
      </section>
      <section className="card" aria-labelledby="sc-factors">
        <h2 id="sc-factors">{s.factors}</h2>
        <ul className="menu-list factor-list" aria-labelledby="sc-factors" data-testid="sc-factors">
          <li>
            <span>
              <strong>{t.methods.passkey}</strong> {ready ? on(ready.passkeys > 0) : null} {ready && ready.passkeys > 0 ? s.passkeys(ready.passkeys) : null}
            </span>
            <Link to="/settings/passkeys">{ready && ready.passkeys > 0 ? s.manage : s.add}<span className="visually-hidden">（{t.methods.passkey}）</span></Link>
          </li>
          <li>
            <span>
              <strong>{t.methods.totp}</strong> {ready ? on(ready.totp) : null}
            </span>
            <Link to="/settings/totp">{ready?.totp ? s.manage : s.add}<span className="visually-hidden">（{t.methods.totp}）</span></Link>
          </li>
          <li>
            <span>
              <strong>{t.settings.phone}</strong> {on(Boolean(phone?.verified))}{' '}
              {phone ? <span className="nowrap">{`${maskedPhone(phone.last4)}（${phone.type === 'mobile' ? t.phone.mobile : t.phone.landline}・${phone.verified ? t.phone.verified : t.phone.unverified}）`}</span> : t.phone.none}
            </span>
            <Link to="/settings/phone">{s.manage}<span className="visually-hidden">（{t.settings.phone}）</span></Link>
          </li>
          <li>
            <span>
              <strong>{s.recoveryCodes}</strong> {ready ? on(ready.recoveryCodes.total > 0) : null} {ready && ready.recoveryCodes.total > 0 ? s.recoveryLeft(ready.recoveryCodes.remaining, ready.recoveryCodes.total) : null}
            </span>
            <Link to="/settings/recovery-codes">{ready && ready.recoveryCodes.total > 0 ? s.manage : s.add}<span className="visually-hidden">（{s.recoveryCodes}）</span></Link>
          </li>
        </ul>
      </section>
      <section className="card" aria-labelledby="sc-passwords">
        <h2 id="sc-passwords">{s.passwords}</h2>
        <ul className="link-list">
          <li>
            <Link to="/settings/password">{t.settings.password}</Link>
          </li>
          <li>
            <Link to="/settings/trading-password">{t.settings.tradingPassword}</Link>
          </li>
        </ul>
      </section>
      <section className="card" aria-labelledby="sc-history">
        <h2 id="sc-history">{s.history}</h2>
        <ul className="link-list">
          <li>
            <Link to="/history/logins">{t.history.logins}</Link>
          </li>
          <li>
            <Link to="/history/security">{t.history.security}</Link>
          </li>
        </ul>
      </section>
      <p>
        <Link to="/security/about">{t.security.title}</Link>
      </p>
    </>
  );
}
