import { useId, useReducer, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { sendCode, verifyCode } from '../api/endpoints';
import { verifyWithCode, verifyWithPasskey } from '../api/factors';
import type { Challenge, ChallengeMethod, Customer } from '../api/types';
import { useFocusOn } from '../hooks/useFocus';
import { useTexts } from '../i18n/texts';
import { BusyButton } from './BusyButton';
import { challengeReducer, initialChallengeState, isCodeError, orderedMethods, rememberMethod } from './challenge/challenge-state';
import { ChooseMethod, MethodScreen } from './challenge/MethodScreen';
import { ChallengeError } from './challenge/ChallengeError';

export type VerifyResult = { status: 'verified' } | { status: 'signed_in'; customer: Customer };

export interface ChallengePanelProps {
  challenge: Challenge;
  details?: ReactNode;
  /**
   * Sign-in: called with the signed-in customer as soon as the check passes. Step-up: called at 実行する,
   * after the check passed (repeat the operation with `challengeId`). Throws ApiError when refused.
   */
  onVerified(result: VerifyResult): Promise<void>;
  onRestart(): void;
}

/**
 * One check, one way through: the strongest (or last used) method first, one at a time, the others behind
 * 「別の方法で認証する」. Nothing is sent until the customer chooses SMS or voice and presses 送信.
 */
export function ChallengePanel({ challenge, details, onVerified, onRestart }: ChallengePanelProps) {
  const t = useTexts();
  const id = useId();
  const [state, dispatch] = useReducer(challengeReducer, challenge.methods, initialChallengeState);
  const login = challenge.purpose === 'login';
  // Sign-in: the page's h1 (ログイン認証) names the check; a step-up is headed 本人確認 under its form.
  const title = useFocusOn<HTMLHeadingElement>(challenge.id, !login);
  const others = orderedMethods(challenge.methods).filter((m) => m.type !== state.method?.type);
  const errorId = `${id}-error`;

  const fail = (error: unknown) => dispatch({ type: 'failed', error, now: Date.now() });

  const send = async (channel: 'sms' | 'voice') => {
    dispatch({ type: 'started' });
    try {
      dispatch({ type: 'sent', sent: await sendCode(challenge, channel), channel, now: Date.now() });
    } catch (failure) {
      fail(failure);
    }
  };

  const verify = async (method: ChallengeMethod, event?: FormEvent) => {
    event?.preventDefault();
    if (state.busy) return;
    const code = state.code.trim();
    if (method.type !== 'passkey' && method.type !== 'recovery_code' && !/^[0-9]{6}$/.test(code)) {
      fail(new ApiError(400, 'code_format', '', {}));
      return;
    }
    dispatch({ type: 'started' });
    let result: VerifyResult & { recoveryCodesLeft?: number };
    try {
      result =
        method.type === 'passkey'
          ? await verifyWithPasskey(challenge)
          : method.type === 'sms' || method.type === 'voice'
            ? await verifyCode(challenge, method.type, code)
            : await verifyWithCode(challenge, method.type, code);
    } catch (failure) {
      // A dismissed passkey dialog (NotAllowedError) is worded by errorText like any other failure.
      fail(failure);
      return;
    }
    rememberMethod(method.type);
    if (result.status === 'signed_in') {
      await onVerified(result).catch((failure: unknown) => dispatch({ type: 'refused', error: failure }));
      return;
    }
    dispatch({ type: 'verified', recoveryCodesLeft: result.recoveryCodesLeft });
  };

  const execute = async () => {
    if (state.busy) return;
    dispatch({ type: 'started' });
    try {
      await onVerified({ status: 'verified' });
    } catch (failure) {
      dispatch({ type: 'refused', error: failure });
    }
  };

  const headingLevel = login ? 'h2' : 'h3';
  return (
    <section className="challenge" aria-labelledby={`${id}-title`}>
      {login ? null : (
        <h2 id={`${id}-title`} ref={title} tabIndex={-1}>
          {t.code.stepUpTitle}
        </h2>
      )}
      {login ? (
        <span id={`${id}-title`} className="visually-hidden">
          {t.code.loginTitle}
        </span>
      ) : null}
      <dl className="summary">
        <dt>{t.code.purposeFor}</dt>
        <dd>{t.purposes[challenge.purpose] ?? challenge.summary}</dd>
      </dl>
      {details}
      {challenge.methods.length > 0 && challenge.methods.every((m) => m.type === 'passkey') ? <p className="help">{t.code.passkeyOnly}</p> : null}
      {state.view === 'final' ? (
        <>
          <ChallengeError id={errorId} error={state.error} failures={state.failures} />
          <BusyButton busy={false} onClick={onRestart}>
            {t.code.restart}
          </BusyButton>
        </>
      ) : state.view === 'verified' ? (
        <Verified level={headingLevel} step={state.step} recoveryCodesLeft={state.recoveryCodesLeft}>
          <ChallengeError id={errorId} error={state.error} failures={state.failures} />
          <div className="actions">
            <BusyButton busy={state.busy} onClick={() => void execute()}>
              {t.code.execute}
            </BusyButton>
            <button type="button" className="link-button" onClick={onRestart}>
              {t.code.cancel}
            </button>
          </div>
        </Verified>
      ) : state.view === 'choose' ? (
        <ChooseMethod level={headingLevel} step={state.step} methods={others} onChoose={(method) => dispatch({ type: 'choose', method })} onBack={() => state.method && dispatch({ type: 'choose', method: state.method })} />
      ) : state.method ? (
        <MethodScreen
          level={headingLevel}
          challengeId={challenge.id}
          state={state}
          method={state.method}
          errorId={errorId}
          codeInvalid={isCodeError(state.error)}
          onType={(code) => dispatch({ type: 'typed', code })}
          onSend={(channel) => void send(channel)}
          onVerify={(method, event) => void verify(method, event)}
        />
      ) : (
        <p className="alert alert-error" role="alert">
          {t.code.noMethod}
        </p>
      )}
      {state.view === 'method' ? (
        <div className="actions challenge-footer">
          {others.length > 0 ? (
            <button type="button" className="link-button" onClick={() => dispatch({ type: 'list' })}>
              {t.code.otherMethods}
            </button>
          ) : null}
          <button type="button" className="link-button" onClick={onRestart}>
            {t.code.cancel}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function Verified({ level: Heading, step, recoveryCodesLeft, children }: { level: 'h2' | 'h3'; step: number; recoveryCodesLeft: number | null; children: ReactNode }) {
  const t = useTexts();
  const heading = useFocusOn<HTMLHeadingElement>(step);
  return (
    <div className="challenge-step">
      <Heading ref={heading} tabIndex={-1}>
        {t.code.verifiedTitle}
      </Heading>
      <p>{t.code.verifiedLead}</p>
      {recoveryCodesLeft !== null ? <p className="alert alert-info" role="status">{t.code.recoveryLeft(recoveryCodesLeft)}</p> : null}
      {children}
    </div>
  );
}
