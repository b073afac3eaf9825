import { useRef, useState } from 'react';
import { ApiError } from '../api/client';
import type { Challenge } from '../api/types';

// The protected-operation handshake of the API: the request answers 403 step_up_required with a
// challenge; the challenge screen takes its place (nothing is sent yet: the customer sees where a code
// would go and chooses); once the check passes, 実行する repeats the same request with `challengeId`.
// A second challenge (a code to a new phone number) starts another round.

export interface StepUpRound {
  challenge: Challenge;
}

export type Perform<T> = (challengeId?: string) => Promise<T>;

function stepUpChallenge(failure: unknown): Challenge | null {
  return failure instanceof ApiError && failure.code === 'step_up_required' && failure.fields.challenge ? (failure.fields.challenge as Challenge) : null;
}

export function useStepUp<T>(onDone: (result: T) => void | Promise<void>) {
  const [round, setRound] = useState<StepUpRound | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The request is frozen at the form's button: the verified challenge is good only for exactly that content.
  const perform = useRef<Perform<T> | null>(null);

  /** Runs `request` (without challengeId) and shows the challenge screen when the server asks for one. */
  const start = async (request: Perform<T>) => {
    perform.current = request;
    setBusy(true);
    setError(null);
    try {
      await onDone(await request(undefined));
    } catch (failure) {
      const challenge = stepUpChallenge(failure);
      if (challenge) setRound({ challenge });
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  /** 実行する, once the check passed: repeat the frozen request with the challenge. Throws to the panel. */
  const execute = async () => {
    if (!round || !perform.current) return;
    try {
      const result = await perform.current(round.challenge.id);
      setRound(null);
      await onDone(result);
    } catch (failure) {
      const next = stepUpChallenge(failure);
      if (next) {
        setRound({ challenge: next });
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
