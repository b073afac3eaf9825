import { PageTitle } from '../components/PageTitle';
import { useTexts } from '../i18n/texts';
import { Link } from '../router';
import { useContext } from 'react';
import { SessionContext } from '../session';

/** What 2FA protects, and how to tell a phishing site. */
export function SecurityInfoPage() {
  const t = useTexts();
  const session = useContext(SessionContext);
  return (
    <article className="prose">
      <PageTitle title={t.security.title}>{t.security.title}</PageTitle>
      <section>
        <h2>{t.security.mfaTitle}</h2>
        <ul>
          {t.security.mfaBody.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
      <section className="warning-box">
        <h2>{t.security.phishingTitle}</h2>
        <ul>
          {t.security.phishingBody.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
      <section id="forgot">
        <h2>{t.security.forgotTitle}</h2>
        <ul>
          {t.security.forgotBody.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
      <p>
        <Link to={session ? '/security' : '/login'}>{t.security.back}</Link>
      </p>
    </article>
  );
}
