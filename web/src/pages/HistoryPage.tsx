import { useEffect, useRef } from 'react';
import { fetchCashHistory, fetchLoginHistory, fetchOrderHistory, fetchSecurityHistory } from '../api/endpoints';
import { Alert } from '../components/Alert';
import { PageTitle } from '../components/PageTitle';
import { useLoad } from '../hooks/useLoad';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { Link } from '../router';
import { CashTable, LoginTable, OrderTable, SecurityTable } from './history-tables';

const KINDS = ['cash', 'orders', 'logins', 'security'] as const;
export type HistoryKind = (typeof KINDS)[number];

export function isHistoryKind(value: string): value is HistoryKind {
  return (KINDS as readonly string[]).includes(value);
}

const LOADERS = { cash: fetchCashHistory, orders: fetchOrderHistory, logins: () => fetchLoginHistory(100), security: fetchSecurityHistory };

/** 入出金履歴, 取引履歴, ログイン履歴, セキュリティ履歴: one page, four tabs. */
export function HistoryPage({ kind }: { kind: HistoryKind }) {
  const t = useTexts();
  const tabs = useRef<HTMLElement>(null);
  // On a phone the strip scrolls: the current tab is brought into view.
  useEffect(() => {
    tabs.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [kind]);
  return (
    <>
      <PageTitle title={t.history[kind]}>{t.history[kind]}</PageTitle>
      <nav className="tabs" aria-label={t.nav.histories} ref={tabs}>
        <ul>
          {KINDS.map((other) => (
            <li key={other}>
              <Link to={`/history/${other}`} aria-current={other === kind ? 'page' : undefined}>
                {t.history[other]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <HistoryContent key={kind} kind={kind} />
    </>
  );
}

function HistoryContent({ kind }: { kind: HistoryKind }) {
  const t = useTexts();
  const rows = useLoad<unknown[]>(LOADERS[kind]);
  if (rows.state === 'loading') return <p role="status">{t.loading}</p>;
  if (rows.state === 'failed') return <Alert kind="error" focus={false}>{`${t.history.unavailable} ${errorText(t, rows.error)}`}</Alert>;
  if (rows.data.length === 0) return <p>{t.history.empty}</p>;
  const data = rows.data as never[];
  switch (kind) {
    case 'cash':
      return <CashTable entries={data} />;
    case 'orders':
      return <OrderTable orders={data} />;
    case 'logins':
      return <LoginTable events={data} />;
    case 'security':
      return <SecurityTable events={data} />;
  }
}
