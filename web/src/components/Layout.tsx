import type { ReactNode } from 'react';
import { useTexts } from '../i18n/texts';
import { Link, usePath } from '../router';
import { LanguageSwitch } from './LanguageSwitch';

const MENU = [
  ['/mypage', 'myPage'],
  ['/order', 'order'],
  ['/withdrawal', 'withdrawal'],
  ['/history/cash', 'histories'],
  ['/settings', 'settings'],
  ['/security', 'security'],
] as const;

function isCurrent(path: string, to: string): boolean {
  if (to.startsWith('/history')) return path.startsWith('/history');
  return path === to || path.startsWith(`${to}/`);
}

/** Header, menu and main area. Signed out, the menu is left out. */
export function Layout({ children, onSignOut }: { children: ReactNode; onSignOut?: () => void }) {
  const t = useTexts();
  const path = usePath();
  return (
    <>
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <header className="site-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            兜
          </span>
          <span>
            {t.firm} <span className="brand-sub">{t.portal}</span>
          </span>
        </div>
        <div className="header-tools">
          <LanguageSwitch />
          {onSignOut ? (
            <button type="button" className="secondary sign-out" onClick={onSignOut}>
              {t.nav.signOut}
            </button>
          ) : null}
        </div>
      </header>
      {onSignOut ? (
        <nav className="main-nav" aria-label={t.nav.label}>
          <ul>
            {MENU.map(([to, key]) => (
              <li key={to}>
                <Link to={to} aria-current={isCurrent(path, to) ? 'page' : undefined}>
                  {t.nav[key]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" className="content">
        {children}
      </main>
    </>
  );
}
