import type { ReactNode } from 'react';
import type { CashEntry, LoginEvent, Order, SecurityEvent } from '../api/types';
import { deviceOf, formatTime } from '../format';
import { useLanguage } from '../i18n/language-store';
import { useTexts } from '../i18n/texts';

function Table({ head, children, testId, label }: { head: Array<[string, boolean?]>; children: ReactNode; testId: string; label: string }) {
  // Focusable and named: at 375 px the table scrolls sideways, and a keyboard must be able to scroll it.
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table data-testid={testId}>
        <thead>
          <tr>
            {head.map(([label, numeric]) => (
              <th key={label} scope="col" className={numeric ? 'num' : undefined}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function CashTable({ entries }: { entries: CashEntry[] }) {
  const t = useTexts();
  const language = useLanguage();
  return (
    <Table testId="cash-history" label={t.history.cash} head={[[t.history.time], [t.history.kind], [t.history.amount, true], [t.history.balance, true]]}>
      {entries.map((entry) => (
        <tr key={entry.id}>
          <td>{formatTime(entry.at, language)}</td>
          <td>{t.cashKinds[entry.type] ?? entry.type}</td>
          <td className="num">{(entry.amount > 0 ? '+' : '') + t.common.yen(entry.amount)}</td>
          <td className="num">{t.common.yen(entry.balance)}</td>
        </tr>
      ))}
    </Table>
  );
}

export function OrderTable({ orders }: { orders: Order[] }) {
  const t = useTexts();
  const language = useLanguage();
  return (
    <Table testId="order-history" label={t.history.orders} head={[[t.history.time], [t.history.symbol], [t.history.side], [t.history.quantity, true], [t.history.price, true], [t.history.amount, true]]}>
      {orders.map((order) => (
        <tr key={order.id}>
          <td>{formatTime(order.executedAt, language)}</td>
          <td>{`${order.symbol} ${order.name}`}</td>
          <td>{order.side === 'sell' ? t.order.sell : t.order.buy}</td>
          <td className="num">{t.common.shares(order.quantity)}</td>
          <td className="num">{t.common.yen(order.price)}</td>
          <td className="num">{t.common.yen(order.amount)}</td>
        </tr>
      ))}
    </Table>
  );
}

export function LoginTable({ events }: { events: LoginEvent[] }) {
  const t = useTexts();
  const language = useLanguage();
  return (
    <Table testId="login-history" label={t.history.logins} head={[[t.history.time], [t.history.result], [t.history.address], [t.history.device]]}>
      {events.map((event, index) => (
        <tr key={`${event.at}-${index}`} className={event.result === 'signed_in' ? undefined : 'row-warning'}>
          <td>{formatTime(event.at, language)}</td>
          <td>{t.loginResults[event.result] ?? event.result}</td>
          <td>{event.address}</td>
          <td>{deviceOf(event.userAgent)}</td>
        </tr>
      ))}
    </Table>
  );
}

export function SecurityTable({ events }: { events: SecurityEvent[] }) {
  const t = useTexts();
  const language = useLanguage();
  return (
    <Table testId="security-history" label={t.history.security} head={[[t.history.time], [t.history.action], [t.history.actor]]}>
      {events.map((event) => (
        <tr key={event.id}>
          <td>{formatTime(event.at, language)}</td>
          <td>{t.actions[event.action] ?? event.action}</td>
          <td>{t.actors[event.actor] ?? event.actor}</td>
        </tr>
      ))}
    </Table>
  );
}
