import { useEffect, useState, type ReactNode } from 'react';
import * as consoleApi from '../api/console';
import type { CaseFile, Match } from '../api/console';
import { formatTime } from '../format';
import { useLanguage } from '../i18n/language-store';
import { consoleTexts } from '../i18n/texts-console';
import { Facts, Section, Table } from './parts';

// A customer's case file (GET /api/admin/v1/customers/{loginId}/case, built in
// src/domain/operators/customer-case.ts) for the desk: single records as definition lists, lists as
// tables with column headers, times in Japan time, booleans and codes in words.

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A code in words when the texts know it; the code itself (as code) when they do not. */
function word(words: Record<string, string>, code: string): ReactNode {
  return words[code] ?? <code>{code}</code>;
}

export function CaseView({ loginId }: { loginId: string }) {
  const t = consoleTexts();
  const c = t.caseFile;
  const language = useLanguage();
  const [file, setFile] = useState<CaseFile | null>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [identityCheck, setIdentityCheck] = useState('');
  const [revealed, setRevealed] = useState<Match | null>(null);
  useEffect(() => void consoleApi.fetchCase(loginId).then(setFile, (e) => setNote(message(e))), [loginId]);
  // After a request, the case file is read again so that its approvals list shows it.
  const requested = () => {
    setNote(t.requested);
    void consoleApi.fetchCase(loginId).then(setFile, () => undefined);
  };
  if (!file) return note ? <p role="alert">{note}</p> : null;
  const customer = revealed ?? file.customer;
  const frozenLevels = (['withdrawals', 'orders', 'signIn'] as const).filter((level) => file.freezes[level].frozen).map((level) => (level === 'signIn' ? 'sign_in' : level));
  const time = (iso: string | null, otherwise: string = c.dash) => (iso === null ? otherwise : <time dateTime={iso}>{formatTime(iso, language)}</time>);
  const { factors, locks, freezes } = file;
  return (
    <section>
      <h2>{t.caseTitle(loginId)}</h2>
      <p>
        {customer.name} / {customer.email} / {customer.phone ?? ''}
      </p>
      <label htmlFor="case-reason">{t.reason}</label>
      <input id="case-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="button" onClick={() => consoleApi.revealCustomer(loginId, reason).then(setRevealed, (e) => setNote(message(e)))}>{t.reveal}</button>
      <button type="button" onClick={() => consoleApi.requestMfaReset(loginId, reason).then(requested, (e) => setNote(message(e)))}>{t.mfaReset}</button>
      {frozenLevels.length > 0 ? (
        <>
          <label htmlFor="case-identity-check">{t.identityCheck}</label>
          <input id="case-identity-check" value={identityCheck} onChange={(e) => setIdentityCheck(e.target.value)} />
          <button type="button" onClick={() => consoleApi.requestUnfreeze(loginId, frozenLevels, reason, identityCheck).then(requested, (e) => setNote(message(e)))}>{t.unfreeze}</button>
        </>
      ) : null}
      {note ? <p role="status">{note}</p> : null}
      <div className="console-case">
        <Section title={t.factors}>
          <Facts
            rows={[
              [c.mfaMethod, word(c.mfaMethods, factors.mfaMethod)],
              [c.mfaScope, word(c.mfaScopes, factors.mfaScope)],
              [c.phoneVerified, factors.phoneVerified ? c.verified : c.notVerified],
              [c.totp, factors.totp ? c.registered : c.notRegistered],
              [c.recoveryCodes, c.recoveryCount(factors.recoveryCodes.remaining, factors.recoveryCodes.total)],
              [c.passkeyRequiredFrom, time(factors.passkeyRequiredFrom, c.notScheduled)],
            ]}
          />
          <h4>{c.passkeys}</h4>
          <Table
            caption={c.passkeys}
            rows={factors.passkeys}
            columns={[
              { header: c.passkeyName, cell: (p) => p.name },
              { header: c.createdAt, cell: (p) => time(p.createdAt) },
              { header: c.lastUsedAt, cell: (p) => time(p.lastUsedAt, c.neverUsed) },
            ]}
          />
        </Section>
        <Section title={t.locks}>
          <Facts
            rows={[
              [c.loginLockedUntil, locks.loginLockedUntil === null ? c.notLocked : c.lockedUntil(formatTime(locks.loginLockedUntil, language))],
              [c.failedLogins, c.times(locks.failedLogins)],
              [c.tradingLockedUntil, locks.tradingLockedUntil === null ? c.notLocked : c.lockedUntil(formatTime(locks.tradingLockedUntil, language))],
              [c.factorLocked, locks.factorLocked ? c.locked : c.notLocked],
            ]}
          />
        </Section>
        <Section title={t.freezes}>
          <Facts
            rows={[
              ...(['withdrawals', 'orders', 'signIn'] as const).map((level): [string, ReactNode] => {
                const state = freezes[level];
                return [c.levels[level], state.frozen ? (state.since === null ? c.frozen : c.frozenSince(formatTime(state.since, language))) : c.notFrozen];
              }),
              [c.withdrawalsHeldUntil, freezes.withdrawalsHeldUntil === null ? c.notHeld : c.heldUntil(formatTime(freezes.withdrawalsHeldUntil, language))],
              [c.liftWithPasskey, freezes.liftWithPasskey ? c.liftPasskeyYes : c.liftPasskeyNo],
            ]}
          />
        </Section>
        <Section title={t.holds}>
          <Table
            caption={t.holds}
            rows={file.holds}
            columns={[
              { header: c.kind, cell: (h) => word(c.holdKinds, h.kind) },
              { header: c.status, cell: (h) => word(c.holdStatuses, h.status) },
              { header: c.rule, cell: (h) => <code>{h.rule}</code> },
              { header: c.created, cell: (h) => time(h.createdAt) },
              { header: c.resolvedAt, cell: (h) => time(h.resolvedAt) },
              { header: c.resolvedBy, cell: (h) => h.resolvedBy ?? c.dash },
            ]}
          />
        </Section>
        <Section title={t.sessions}>
          <Table
            caption={t.sessions}
            rows={file.sessions}
            columns={[
              { header: c.sessionStarted, cell: (s) => time(s.createdAt) },
              { header: c.lastSeenAt, cell: (s) => time(s.lastSeenAt) },
              { header: c.address, cell: (s) => s.address },
              { header: c.userAgent, cell: (s) => <span className="case-ua">{s.userAgent}</span> },
            ]}
          />
        </Section>
        <Section title={t.devices}>
          <Table
            caption={t.devices}
            rows={file.devices}
            columns={[
              { header: c.firstSeenAt, cell: (d) => time(d.firstSeenAt) },
              { header: c.lastSeenAt, cell: (d) => time(d.lastSeenAt) },
            ]}
          />
        </Section>
        <Section title={t.notices}>
          <Table
            caption={t.notices}
            rows={file.notices}
            columns={[
              { header: c.kind, cell: (n) => <code>{n.kind}</code> },
              { header: c.status, cell: (n) => word(c.noticeStatuses, n.status) },
              { header: c.created, cell: (n) => time(n.createdAt) },
              { header: c.sentAt, cell: (n) => time(n.sentAt, c.notSent) },
            ]}
          />
        </Section>
        <Section title={t.logins}>
          <Table
            caption={t.logins}
            rows={file.logins}
            columns={[
              { header: c.at, cell: (e) => time(e.at) },
              { header: c.result, cell: (e) => word(c.loginResults, e.result) },
              { header: c.address, cell: (e) => e.address },
            ]}
          />
        </Section>
        <Section title={t.security}>
          <Table
            caption={t.security}
            rows={file.security}
            columns={[
              { header: c.at, cell: (e) => time(e.at) },
              { header: c.action, cell: (e) => <code>{e.action}</code> },
              { header: c.actor, cell: (e) => e.actor },
              { header: c.detail, cell: (e) => (Object.keys(e.detail).length === 0 ? c.dash : <code className="case-detail">{JSON.stringify(e.detail)}</code>) },
            ]}
          />
        </Section>
        <Section title={t.risk}>
          <Table
            caption={t.risk}
            rows={file.riskDecisions}
            columns={[
              { header: c.at, cell: (d) => time(d.at) },
              { header: c.operation, cell: (d) => word(c.operations, d.operation) },
              { header: c.outcome, cell: (d) => word(c.outcomes, d.outcome) },
              { header: c.rule, cell: (d) => (d.rule === null ? c.noRule : <code>{d.rule}</code>) },
              { header: c.score, cell: (d) => d.score },
              { header: c.address, cell: (d) => d.address },
            ]}
          />
        </Section>
        <Section title={t.caseApprovals}>
          <Table
            caption={t.caseApprovals}
            rows={file.approvals}
            columns={[
              { header: c.kind, cell: (a) => word(t.kinds, a.kind) },
              { header: c.status, cell: (a) => word(c.approvalStatuses, a.status) },
              { header: c.requestedBy, cell: (a) => a.requestedBy },
              { header: c.requestedAt, cell: (a) => time(a.requestedAt) },
              { header: c.decidedBy, cell: (a) => a.decidedBy ?? c.undecided },
            ]}
          />
        </Section>
      </div>
    </section>
  );
}
