import { useId, type ReactNode } from 'react';
import { consoleTexts } from '../i18n/texts-console';

// The console's building blocks: a titled card, a list of facts, and a table with column headers (or "none").

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card case-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

export function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="case-facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
}

export function Table<T>({ caption, columns, rows }: { caption: string; columns: Array<Column<T>>; rows: readonly T[] }) {
  const t = consoleTexts();
  if (rows.length === 0) return <p>{t.none}</p>;
  return (
    <div className="case-table">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.header}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
