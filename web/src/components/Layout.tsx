import { useEffect, useState, type ReactNode } from 'react';
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

/**
 * Header, menu and main area. Signed out, the menu is left out. Below 720 px the header is one row and the
 * menu folds behind 「メニュー」 (ログアウト moves into it), so the page heading is the first thing below.
 */
export function Layout({ children, onSignOut }: { children: ReactNode; onSignOut?: () => void }) {
  const t = useTexts();
  const path = usePath();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
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
            <>
              <button type="button" className="secondary sign-out wide-only" onClick={onSignOut}>
                {t.nav.signOut}
              </button>
              <button type="button" className="menu-toggle narrow-only" aria-expanded={open} aria-controls="main-menu" onClick={() => setOpen(!open)}>
                {t.nav.menu}
              </button>
            </>
          ) : null}
        </div>
      </header>
      {onSignOut ? (
        <nav className={`main-nav${open ? ' open' : ''}`} aria-label={t.nav.label} id="main-menu">
          <ul>
            {MENU.map(([to, key]) => (
              <li key={to}>
                <Link to={to} aria-current={isCurrent(path, to) ? 'page' : undefined}>
                  {t.nav[key]}
                </Link>
              </li>
            ))}
            <li className="narrow-only">
              <button type="button" className="nav-sign-out" onClick={onSignOut}>
                {t.nav.signOut}
              </button>
            </li>
          </ul>
        </nav>
      ) : null}
      <main id="main" className="content">
        {children}
      </main>
    </>
  );
}
