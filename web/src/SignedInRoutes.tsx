import { useEffect } from 'react';
import { useTexts } from './i18n/texts';
import { HistoryPage, isHistoryKind } from './pages/HistoryPage';
import { HoldsPage } from './pages/HoldsPage';
import { MfaSettingsPage } from './pages/MfaSettingsPage';
import { MyPage } from './pages/MyPage';
import { OrderPage } from './pages/OrderPage';
import { PasswordPage } from './pages/PasswordPage';
import { PasskeysPage } from './pages/PasskeysPage';
import { RecoveryCodesPage } from './pages/RecoveryCodesPage';
import { TotpPage } from './pages/TotpPage';
import { PhonePage } from './pages/PhonePage';
import { ProfileChangePage } from './pages/ProfileChangePage';
import { SettingsPage } from './pages/SettingsPage';
import { SecurityCentrePage } from './pages/SecurityCentrePage';
import { DevicesPage } from './pages/DevicesPage';
import { FreezePage } from './pages/FreezePage';
import { WithdrawalPage } from './pages/WithdrawalPage';
import { Link, navigate } from './router';

export function SignedInRoutes({ path }: { path: string }) {
  const t = useTexts();
  const toMyPage = path === '/' || path === '/login';
  useEffect(() => {
    if (toMyPage) navigate('/mypage', { replace: true });
  }, [toMyPage]);
  if (toMyPage) return null;

  switch (path) {
    case '/mypage':
      return <MyPage />;
    case '/order':
      return <OrderPage />;
    case '/withdrawal':
      return <WithdrawalPage />;
    case '/holds':
      return <HoldsPage />;
    case '/security':
      return <SecurityCentrePage />;
    case '/security/devices':
      return <DevicesPage />;
    case '/security/freeze':
      return <FreezePage />;
    case '/settings':
      return <SettingsPage />;
    case '/settings/mfa':
      return <MfaSettingsPage />;
    case '/settings/passkeys':
      return <PasskeysPage />;
    case '/settings/totp':
      return <TotpPage />;
    case '/settings/recovery-codes':
      return <RecoveryCodesPage />;
    case '/settings/email':
      return <ProfileChangePage key="email" kind="email" />;
    case '/settings/address':
      return <ProfileChangePage key="address" kind="address" />;
    case '/settings/bank-account':
      return <ProfileChangePage key="bank" kind="bank" />;
    case '/settings/phone':
      return <PhonePage />;
    case '/settings/password':
      return <PasswordPage kind="login" />;
    case '/settings/trading-password':
      return <PasswordPage kind="trading" />;
  }
  const history = path.match(/^\/history\/([a-z]+)$/)?.[1];
  if (history && isHistoryKind(history)) return <HistoryPage kind={history} />;
  return (
    <>
      <h1>{t.common.notFound}</h1>
      <Link to="/mypage">{t.common.toMyPage}</Link>
    </>
  );
}
