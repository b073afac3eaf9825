import { useEffect, useState, type FormEvent } from 'react';
import * as consoleApi from '../api/console';
import type { Approval, Match, Me } from '../api/console';
import { consoleTexts } from '../i18n/texts-console';
import { formatTime } from '../format';
import { useLanguage } from '../i18n/language-store';
import { CaseView } from './CaseView';
import { Section, Table } from './parts';

// The back office's console (docs/operators.md), under /console in the portal's app: passkey sign-in,
// customer search and case view, four-eyes approvals, the passkey migration, the audit chain.

type View = { name: 'search' } | { name: 'case'; loginId: string } | { name: 'approvals' } | { name: 'migration' } | { name: 'audit' };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function ConsoleApp() {
  const t = consoleTexts();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [view, setView] = useState<View>({ name: 'search' });
  const load = () => consoleApi.fetchOperator().then(setMe, () => setMe(null));
  useEffect(() => void load(), []);
  if (me === undefined) return null;
  if (me === null) return <ConsoleSignIn onSignedIn={() => void load()} />;
  return (
    <div className="console">
      <header className="console-header">
        <h1>{t.title}</h1>
        <p>
          {me.operator?.name ?? me.actor} ({me.roles.join(', ')})
        </p>
        <nav aria-label={t.title}>
          <button type="button" onClick={() => setView({ name: 'search' })}>{t.search}</button>
          <button type="button" onClick={() => setView({ name: 'approvals' })}>{t.approvals}</button>
          <button type="button" onClick={() => setView({ name: 'migration' })}>{t.migration}</button>
          <button type="button" onClick={() => setView({ name: 'audit' })}>{t.audit}</button>
          <button type="button" className="secondary" onClick={() => void consoleApi.operatorSignOut().then(() => setMe(null))}>{t.signOut}</button>
        </nav>
      </header>
      <main>
        {view.name === 'search' ? <Search onOpen={(loginId) => setView({ name: 'case', loginId })} /> : null}
        {view.name === 'case' ? <CaseView loginId={view.loginId} /> : null}
        {view.name === 'approvals' ? <Approvals /> : null}
        {view.name === 'migration' ? <Migration /> : null}
        {view.name === 'audit' ? <AuditCheck /> : null}
      </main>
    </div>
  );
}

function ConsoleSignIn({ onSignedIn }: { onSignedIn(): void }) {
  const t = consoleTexts();
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const run = (work: () => Promise<void>) => work().then(onSignedIn, (e) => setError(message(e)));
  return (
    <main className="console">
      <h1>{t.title}</h1>
      <div className="card">
        <button type="button" onClick={() => void run(consoleApi.operatorSignIn)}>{t.signIn}</button>
      </div>
      <form
        className="card"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void run(() => consoleApi.operatorEnrol(code));
        }}
      >
        <h2>{t.enrolTitle}</h2>
        <label htmlFor="enrol-code">{t.enrolCode}</label>
        <input id="enrol-code" value={code} autoComplete="off" onChange={(e) => setCode(e.target.value)} />
        <button type="submit">{t.enrol}</button>
      </form>
      {error ? <p role="alert" className="alert error">{error}</p> : null}
    </main>
  );
}

function Search({ onOpen }: { onOpen(loginId: string): void }) {
  const t = consoleTexts();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Match[] | null>(null);
  const [error, setError] = useState('');
  return (
    <section>
      <h2>{t.search}</h2>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          consoleApi.searchCustomers(q).then((r) => setFound(r.customers), (err) => setError(message(err)));
        }}
      >
        <label htmlFor="customer-q">{t.searchLabel}</label>
        <input id="customer-q" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">{t.find}</button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      {found ? (
        <table>
          <tbody>
            {found.map((c) => (
              <tr key={c.loginId}>
                <td>
                  <button type="button" className="link" onClick={() => onOpen(c.loginId)}>{c.loginId}</button>
                </td>
                <td>{c.name}</td>
                <td>{c.email}</td>
                <td>{c.phone ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Approvals() {
  const t = consoleTexts();
  const [list, setList] = useState<Approval[]>([]);
  const [error, setError] = useState('');
  const load = () => consoleApi.fetchApprovals().then((r) => setList(r.approvals), (e) => setError(message(e)));
  useEffect(() => void load(), []);
  const act = (work: Promise<unknown>) => work.then(load, (e) => setError(message(e)));
  return (
    <section>
      <h2>{t.approvals}</h2>
      {error ? <p role="alert">{error}</p> : null}
      <table>
        <tbody>
          {list.map((a) => (
            <tr key={a.id}>
              <td>{t.kinds[a.kind] ?? a.kind}</td>
              <td>{a.reason}</td>
              <td>{a.requestedBy}</td>
              <td>{a.status}</td>
              <td>
                {a.status === 'pending' ? (
                  <>
                    <button type="button" onClick={() => void act(consoleApi.approve(a.id))}>{t.approve}</button>
                    <button type="button" className="secondary" onClick={() => void act(consoleApi.reject(a.id))}>{t.reject}</button>
                  </>
                ) : (
                  a.decidedBy
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Migration() {
  const t = consoleTexts();
  const language = useLanguage();
  const [data, setData] = useState<Awaited<ReturnType<typeof consoleApi.fetchMigration>> | null>(null);
  useEffect(() => void consoleApi.fetchMigration().then(setData, () => undefined), []);
  if (!data) return null;
  return (
    <section>
      <h2>{t.migration}</h2>
      <Table
        caption={t.strongest}
        columns={[
          { header: t.columns.day, cell: (row) => row.day },
          { header: t.columns.passkey, cell: (row) => row.passkey },
          { header: t.columns.app, cell: (row) => row.app },
          { header: t.columns.sms, cell: (row) => row.sms },
          { header: t.columns.none, cell: (row) => row.none },
        ]}
        rows={data.history}
      />
      {/* The cohorts: which buckets of customers need a passkey from when (issue 20). */}
      <Section title={t.cohorts.title}>
        <Table
          caption={t.cohorts.title}
          columns={[
            { header: t.cohorts.name, cell: (cohort) => cohort.name },
            { header: t.cohorts.buckets, cell: (cohort) => `${cohort.bucketFrom}–${cohort.bucketTo}` },
            { header: t.cohorts.dueAt, cell: (cohort) => <time dateTime={cohort.dueAt}>{formatTime(cohort.dueAt, language)}</time> },
          ]}
          rows={data.cohorts}
        />
      </Section>
      <a href="/api/admin/v1/migration/schedule.csv">{t.csv}</a>
    </section>
  );
}

function AuditCheck() {
  const t = consoleTexts();
  const [result, setResult] = useState('');
  useEffect(() => void consoleApi.verifyAudit().then((r) => setResult(r.intact ? t.chainOk(r.entries) : t.chainBroken(r.brokenAt ?? 0)), (e) => setResult(message(e))), [t]);
  return (
    <section>
      <h2>{t.audit}</h2>
      <p role="status">{result}</p>
    </section>
  );
}
