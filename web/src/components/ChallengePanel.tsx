import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { sendCode, verifyCode } from '../api/endpoints';
import type { Challenge, CodeSent, Customer } from '../api/types';
import { useCountdown } from '../hooks/useCountdown';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { maskedPhone } from '../format';
import { Alert } from './Alert';
import { FactorChallengePanel } from './FactorChallengePanel';
import { resendWaitMs, type CodeChannel } from './code-timing';

type VerifyResult = { status: 'verified' } | { status: 'signed_in'; customer: Customer };

export interface ChallengePanelProps {
  challenge: Challenge;
  /** Set when the code was already sent together with the operation's 送信. */
  initiallySent?: CodeSent | null;
  initialError?: unknown;
  confirmLabel: string;
  details?: ReactNode;
  /** After the code is verified: sign in, or repeat the operation with `challengeId`. Throws ApiError. */
  onVerified(result: VerifyResult): Promise<void>;
  onRestart(): void;
  /** Off where the page's own heading already names the step (the sign-in code screen). */
  showHeading?: boolean;
}

/** Codes after which this challenge can never pass: the customer starts again. */
const FINAL_ERRORS = new Set(['too_many_attempts', 'challenge_expired', 'challenge_used', 'challenge_not_found', 'factor_locked', 'send_limit_reached']);

function channelOf(challenge: Challenge): { channel: CodeChannel; last4: string } | null {
  for (const method of challenge.methods) {
    if (method.type === 'sms' || method.type === 'voice') return { channel: method.type, last4: method.phoneLast4 };
  }
  return null;
}

/** 送信 → the code → 認証する / 実行する, with 再送信 after a countdown, and every code error in words. */
export function ChallengePanel({ challenge, initiallySent = null, initialError, confirmLabel, details, onVerified, onRestart, showHeading = true }: ChallengePanelProps) {
  const t = useTexts();
  const target = channelOf(challenge);
  const [sent, setSent] = useState<CodeSent | null>(initiallySent);
  const [resendAt, setResendAt] = useState<number | null>(initiallySent ? Date.now() + resendWaitMs(initiallySent) : null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(initialError ?? null);
  const [final, setFinal] = useState(false);
  const [busy, setBusy] = useState(false);
  const secondsToResend = useCountdown(resendAt);

  const describe = (failure: unknown): string => {
    if (failure instanceof ApiError && failure.code === 'too_many_attempts') return t.errors.deadChallenge;
    if (failure instanceof ApiError && failure.code === 'invalid_code' && Number(failure.fields.attemptsLeft) <= 0) return t.errors.deadChallenge;
    return errorText(t, failure);
  };

  const send = async () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      const result = await sendCode(challenge, target.channel);
      setSent(result);
      setResendAt(Date.now() + resendWaitMs(result));
      setCode('');
    } catch (failure) {
      setError(failure);
      if (failure instanceof ApiError && FINAL_ERRORS.has(failure.code)) setFinal(true);
      if (failure instanceof ApiError && failure.code === 'resend_too_soon') setResendAt(Date.now() + Number(failure.fields.retryAfter ?? 60) * 1000);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (!target || busy) return;
    if (!/^[0-9]{6}$/.test(code)) {
      setError(new ApiError(400, 'code_format', t.errors.codeFormat, {}));
      return;
    }
    setBusy(true);
    setError(null);
    let verified: VerifyResult;
    try {
      verified = await verifyCode(challenge, target.channel, code);
    } catch (failure) {
      setBusy(false);
      setError(failure);
      setCode('');
      if (!(failure instanceof ApiError)) return;
      if (failure.code === 'code_expired') setResendAt(null); // a new code may be requested at once
      if (FINAL_ERRORS.has(failure.code) || (failure.code === 'invalid_code' && Number(failure.fields.attemptsLeft) <= 0)) setFinal(true);
      return;
    }
    try {
      await onVerified(verified);
    } catch (failure) {
      // The code was right but the operation refused: this challenge is spent.
      setError(failure);
      setFinal(true);
    } finally {
      setBusy(false);
    }
  };

  const destination = target ? (target.channel === 'sms' ? t.code.smsDestination(maskedPhone(target.last4)) : t.code.voiceDestination(maskedPhone(target.last4))) : null;
  return (
    <section className="challenge" aria-label={challenge.purpose === 'login' ? t.code.loginTitle : t.code.stepUpTitle}>
      {showHeading ? <h2>{challenge.purpose === 'login' ? t.code.loginTitle : t.code.stepUpTitle}</h2> : null}
      <dl className="summary">
        <dt>{t.code.purposeFor}</dt>
        <dd>{t.purposes[challenge.purpose] ?? challenge.summary}</dd>
      </dl>
      {details}
      {target ? <p className="destination">{destination}</p> : challenge.methods.length > 0 ? null : <Alert kind="error">{t.code.noMethod}</Alert>}
      {final ? null : <FactorChallengePanel challenge={challenge} onVerified={onVerified} />}
      {error ? (
        <Alert kind="error">{error instanceof ApiError && error.code === 'code_format' ? t.errors.codeFormat : describe(error)}</Alert>
      ) : null}
      {final ? (
        <button type="button" className="primary" onClick={onRestart}>
          {t.code.restart}
        </button>
      ) : target && !sent ? (
        <div className="actions">
          <p>{t.code.lead}</p>
          <button type="button" className="primary" onClick={send} disabled={busy}>
            {t.code.send}
          </button>
          <button type="button" className="secondary" onClick={onRestart}>
            {t.code.cancel}
          </button>
        </div>
      ) : target && sent ? (
        <form onSubmit={confirm} noValidate>
          <p role="status">{target.channel === 'sms' ? t.code.sent(maskedPhone(sent.phoneLast4)) : t.code.called(maskedPhone(sent.phoneLast4))}</p>
          <div className="field">
            <label htmlFor={`code-${challenge.id}`}>{t.code.field}</label>
            <input
              id={`code-${challenge.id}`}
              className="code-input"
              name="code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              autoFocus
              aria-describedby={`code-hint-${challenge.id}`}
              value={code}
              onChange={(event) => setCode(event.target.value.replace(/[^0-9０-９]/g, '').replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)))}
            />
            <p className="help" id={`code-hint-${challenge.id}`}>
              {t.code.hint}
            </p>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {confirmLabel}
            </button>
            <button type="button" className="secondary" onClick={send} disabled={busy || secondsToResend > 0}>
              {secondsToResend > 0 ? t.code.resendIn(secondsToResend) : t.code.resend}
            </button>
            <button type="button" className="link-button" onClick={onRestart}>
              {t.code.cancel}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="secondary" onClick={onRestart}>
          {t.code.restart}
        </button>
      )}
    </section>
  );
}
