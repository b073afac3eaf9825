import { useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { sendCode } from '../api/endpoints';
import type { Challenge, CodeSent } from '../api/types';

// The protected-operation handshake of api.md: the request answers 403 step_up_required with a
// challenge; 送信 sends its code at once; after 認証する the same request is repeated with
// `challengeId` (実行する). A second challenge (a code to a new phone number) starts another round.

export interface StepUpRound {
  challenge: Challenge;
  sent: CodeSent | null;
  sendError: unknown;
}

export type Perform<T> = (challengeId?: string) => Promise<T>;

export function useStepUp<T>(onDone: (result: T) => void | Promise<void>) {
  const [round, setRound] = useState<StepUpRound | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The request is frozen at 送信: the verified challenge is good only for exactly that content.
  const perform = useRef<Perform<T> | null>(null);

  const enter = async (challenge: Challenge) => {
    const method = challenge.methods.find((m) => m.type === 'sms' || m.type === 'voice');
    if (!method || (method.type !== 'sms' && method.type !== 'voice')) {
      setRound({ challenge, sent: null, sendError: null });
      return;
    }
    try {
      setRound({ challenge, sent: await sendCode(challenge, method.type), sendError: null });
    } catch (failure) {
      setRound({ challenge, sent: null, sendError: failure });
    }
  };

  /** Runs `request` (without challengeId) and enters the code step when the server asks for one. */
  const start = async (request: Perform<T>) => {
    perform.current = request;
    setBusy(true);
    setError(null);
    try {
      await onDone(await request(undefined));
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'step_up_required' && failure.fields.challenge) await enter(failure.fields.challenge as Challenge);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  /** 実行する, once the code is verified: repeat the frozen request with the challenge. Throws to the panel. */
  const execute = async () => {
    if (!round || !perform.current) return;
    try {
      const result = await perform.current(round.challenge.id);
      setRound(null);
      await onDone(result);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'step_up_required' && failure.fields.challenge) {
        await enter(failure.fields.challenge as Challenge);
        return;
      }
      throw failure;
    }
  };

  const restart = () => {
    setRound(null);
    setError(null);
    perform.current = null;
  };

  return { round, error, busy, start, execute, restart, setError };
}
