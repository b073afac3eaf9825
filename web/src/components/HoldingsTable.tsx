import type { Holding } from '../api/types';
import { useTexts } from '../i18n/texts';

export function HoldingsTable({ holdings }: { holdings: Holding[] }) {
  const t = useTexts();
  if (holdings.length === 0) return <p>{t.myPage.noHoldings}</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={t.myPage.holdings}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.myPage.symbol}</th>
            <th scope="col">{t.myPage.name}</th>
            <th scope="col" className="num">
              {t.myPage.quantity}
            </th>
            <th scope="col" className="num">
              {t.myPage.price}
            </th>
            <th scope="col" className="num">
              {t.myPage.value}
            </th>
          </tr>
        </thead>
        <tbody>
          {holdings.map((holding) => (
            <tr key={holding.symbol}>
              <td>{holding.symbol}</td>
              <td>{holding.name}</td>
              <td className="num">{t.common.shares(holding.quantity)}</td>
              <td className="num">{t.common.yen(holding.price)}</td>
              <td className="num">{t.common.yen(holding.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
