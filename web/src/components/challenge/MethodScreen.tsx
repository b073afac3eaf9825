import type { FormEvent } from 'react';
import type { ChallengeMethod } from '../../api/types';
import { maskedPhone } from '../../format';
import { useCountdown } from '../../hooks/useCountdown';
import { useFocusOn } from '../../hooks/useFocus';
import { useTexts } from '../../i18n/texts';
import { BusyButton } from '../BusyButton';
import { ChallengeError } from './ChallengeError';
import { CodeField } from './CodeField';
import { digitsOnly, type ChallengeState } from './challenge-state';

type Level = 'h2' | 'h3';

function StepHeading({ level: Heading, step, children }: { level: Level; step: number; children: string }) {
  // The first screen's heading is not focused on mount: the page title or 本人確認 above it is.
  const ref = useFocusOn<HTMLHeadingElement>(step, step > 0);
  return (
    <Heading ref={ref} tabIndex={-1}>
      {children}
    </Heading>
  );
}

export function methodLabel(t: ReturnType<typeof useTexts>, method: ChallengeMethod): string {
  switch (method.type) {
    case 'sms':
      return t.code.option.sms(maskedPhone(method.phoneLast4));
    case 'voice':
      return t.code.option.voice(maskedPhone(method.phoneLast4));
    default:
      return t.code.option[method.type];
  }
}

/** 別の方法で認証する: the other methods, each a button; nothing is sent by choosing. */
export function ChooseMethod({ level, step, methods, onChoose, onBack }: { level: Level; step: number; methods: ChallengeMethod[]; onChoose(method: ChallengeMethod): void; onBack(): void }) {
  const t = useTexts();
  return (
    <div className="challenge-step">
      <StepHeading level={level} step={step}>
        {t.code.otherMethods}
      </StepHeading>
      <p>{t.code.chooseLead}</p>
      <ul className="method-list">
        {methods.map((method) => (
          <li key={method.type}>
            <button type="button" className="secondary method-option" onClick={() => onChoose(method)}>
              {methodLabel(t, method)}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="link-button" onClick={onBack}>
        {t.common.back}
      </button>
    </div>
  );
}

export interface MethodScreenProps {
  level: Level;
  challengeId: string;
  state: ChallengeState;
  method: ChallengeMethod;
  errorId: string;
  codeInvalid: boolean;
  onType(code: string): void;
  onSend(channel: 'sms' | 'voice'): void;
  onVerify(method: ChallengeMethod, event?: FormEvent): void;
}

/** One method: a passkey button, a code box (app or recovery code), or SMS/voice with 送信 first. */
export function MethodScreen(props: MethodScreenProps) {
  const t = useTexts();
  const { level, state, method, errorId, codeInvalid, onType, onVerify } = props;
  const fieldId = `code-${props.challengeId}`;
  const error = <ChallengeError id={errorId} error={state.error} failures={state.failures} />;
  if (method.type === 'sms' || method.type === 'voice') return <PhoneCode {...props} method={method} />;
  return (
    <div className="challenge-step">
      <StepHeading level={level} step={state.step}>
        {t.code.methodTitle[method.type]}
      </StepHeading>
      {method.type === 'passkey' ? (
        <>
          <p>{t.code.passkeyLead}</p>
          {error}
          <BusyButton busy={state.busy} onClick={() => onVerify(method)}>
            {t.code.passkeyButton}
          </BusyButton>
        </>
      ) : (
        <form onSubmit={(event) => onVerify(method, event)} noValidate>
          <CodeField
            id={fieldId}
            label={method.type === 'totp' ? t.code.totpField : t.code.recoveryField}
            hint={method.type === 'totp' ? t.code.totpHint : t.code.recoveryHint}
            value={state.code}
            onChange={(value) => onType(method.type === 'totp' ? digitsOnly(value) : value)}
            invalid={codeInvalid}
            errorId={errorId}
            maxLength={method.type === 'totp' ? 6 : 24}
            numeric={method.type === 'totp'}
          />
          {error}
          <BusyButton type="submit" busy={state.busy}>
            {t.code.verify}
          </BusyButton>
        </form>
      )}
    </div>
  );
}

function PhoneCode({ level, challengeId, state, method, errorId, codeInvalid, onType, onSend, onVerify }: MethodScreenProps & { method: Extract<ChallengeMethod, { type: 'sms' | 'voice' }> }) {
  const t = useTexts();
  const secondsToResend = useCountdown(state.resendAt);
  const channel = method.type;
  const sent = state.sent?.channel === channel ? state.sent : null;
  const masked = maskedPhone(method.phoneLast4);
  const error = <ChallengeError id={errorId} error={state.error} failures={state.failures} />;
  return (
    <div className="challenge-step">
      <StepHeading level={level} step={state.step}>
        {t.code.methodTitle[channel]}
      </StepHeading>
      <p className="destination">{channel === 'sms' ? t.code.smsDestination(masked) : t.code.voiceDestination(masked)}</p>
      {!sent ? (
        <>
          <p>{channel === 'sms' ? t.code.lead : t.code.voiceLead}</p>
          {error}
          <BusyButton busy={state.busy} onClick={() => onSend(channel)}>
            {t.code.send}
          </BusyButton>
        </>
      ) : state.expired ? (
        <>
          {error}
          <BusyButton busy={state.busy} onClick={() => onSend(channel)}>
            {t.code.resend}
          </BusyButton>
        </>
      ) : (
        <form onSubmit={(event) => onVerify(method, event)} noValidate>
          <p role="status">
            {channel === 'sms' ? t.code.sent(maskedPhone(sent.phoneLast4)) : t.code.called(maskedPhone(sent.phoneLast4))}
          </p>
          <CodeField
            id={`code-${challengeId}`}
            label={t.code.field}
            hint={t.code.hint}
            value={state.code}
            onChange={(value) => onType(digitsOnly(value))}
            invalid={codeInvalid}
            errorId={errorId}
            focusKey={sent}
          />
          {error}
          <div className="actions">
            <BusyButton type="submit" busy={state.busy}>
              {t.code.verify}
            </BusyButton>
            <button type="button" className="secondary" onClick={() => onSend(channel)} disabled={state.busy || secondsToResend > 0}>
              {secondsToResend > 0 ? t.code.resendIn(secondsToResend) : t.code.resend}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
