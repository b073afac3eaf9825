import { useCallback, useEffect, useMemo, useState } from 'react';
import { isApiError, onSessionEnded } from './api/client';
import { fetchMe, signOut } from './api/endpoints';
import type { Customer } from './api/types';
import { IdleWarning } from './components/IdleWarning';
import { Layout } from './components/Layout';
import { forgetDrafts, keepForReturn, takeReturnPath } from './drafts';
import { useTexts } from './i18n/texts';
import { LoginPage } from './pages/LoginPage';
import { ForgotLoginIdPage, ForgotPasswordPage, FreezeWithCodePage, LiftSignInFreezePage } from './pages/RecoveryPages';
import { invitePasskeyAfterSignIn } from './components/PasskeyInvitation';
import { FederationPage } from './pages/FederationPage';
import { SecurityInfoPage } from './pages/SecurityInfoPage';
import { SignedInRoutes } from './SignedInRoutes';
import { navigate, usePath } from './router';
import { SessionContext, type SessionState } from './session';

/** The server's word, in the page it served: this browser holds no session cookie (absent: it may). */
const NO_SESSION_AT_LOAD = document.querySelector('meta[name="kabuto-session"]')?.getAttribute('content') === 'none';

type Status = { state: 'checking' } | { state: 'signed_out'; notice?: 'signed_out' | 'expired' } | { state: 'signed_in'; customer: Customer };

export function App() {
  const t = useTexts();
  const path = usePath();
  const [status, setStatus] = useState<Status>(() => (NO_SESSION_AT_LOAD ? { state: 'signed_out' } : { state: 'checking' }));

  useEffect(() => {
    // Without a session cookie the server said so in the page: the sign-in form is drawn at once, no probe.
    if (NO_SESSION_AT_LOAD) return;
    fetchMe().then(
      (customer) => setStatus({ state: 'signed_in', customer }),
      () => setStatus({ state: 'signed_out' }),
    );
  }, []);

  useEffect(
    () =>
      onSessionEnded(() => {
        // Come back here after signing in again, with what was typed (never a password or a code).
        if (window.location.pathname !== '/login') keepForReturn(window.location.pathname);
        setStatus({ state: 'signed_out', notice: 'expired' });
        navigate('/login', { replace: true });
      }),
    [],
  );

  const refresh = useCallback(async () => {
    try {
      setStatus({ state: 'signed_in', customer: await fetchMe() });
    } catch (error) {
      if (isApiError(error, 'unauthenticated')) setStatus({ state: 'signed_out', notice: 'expired' });
    }
  }, []);

  const endSession = useCallback(async () => {
    await signOut().catch(() => undefined);
    forgetDrafts();
    setStatus({ state: 'signed_out', notice: 'signed_out' });
    navigate('/login', { replace: true });
  }, []);

  const session = useMemo<SessionState | null>(
    () =>
      status.state === 'signed_in'
        ? { customer: status.customer, setCustomer: (customer) => setStatus({ state: 'signed_in', customer }), refresh, signOut: endSession }
        : null,
    [status, refresh, endSession],
  );

  if (status.state === 'checking') {
    return (
      <Layout>
        <p role="status">{t.loading}</p>
      </Layout>
    );
  }
  // 連携サービスへのログイン (the OpenID Provider's sign-in and approval): its own page, signed in or not.
  if (path.startsWith('/federation/')) {
    return (
      <Layout>
        <FederationPage uid={decodeURIComponent(path.slice('/federation/'.length))} />
      </Layout>
    );
  }
  // セキュリティ: signed in, the security centre (SignedInRoutes); the advice page is for everyone.
  if (path === '/security/about' || (path === '/security' && !session)) {
    return (
      <SessionContext.Provider value={session}>
        <Layout onSignOut={session ? endSession : undefined}>
          <SecurityInfoPage />
        </Layout>
      </SessionContext.Provider>
    );
  }
  if (!session && path.startsWith('/recovery/')) {
    return (
      <Layout>
        {path === '/recovery/password' ? (
          <ForgotPasswordPage />
        ) : path === '/recovery/login-id' ? (
          <ForgotLoginIdPage />
        ) : path === '/recovery/unfreeze' ? (
          <LiftSignInFreezePage />
        ) : (
          <FreezeWithCodePage />
        )}
      </Layout>
    );
  }
  if (!session) {
    return (
      <Layout>
        <LoginPage
          notice={status.state === 'signed_out' ? status.notice : undefined}
          onSignedIn={(customer) => {
            invitePasskeyAfterSignIn();
            setStatus({ state: 'signed_in', customer });
            navigate(takeReturnPath() ?? '/mypage', { replace: true });
          }}
        />
      </Layout>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout onSignOut={endSession}>
        <IdleWarning />
        <SignedInRoutes path={path} />
      </Layout>
    </SessionContext.Provider>
  );
}
