import type { ReactNode } from 'react';
import type { StepUpRound } from '../hooks/useStepUp';
import { ChallengePanel } from './ChallengePanel';

/** The check of a protected operation: it takes the place of the operation's form until done or cancelled. */
export function StepUpSection({ round, details, execute, restart }: { round: StepUpRound | null; details?: ReactNode; execute(): Promise<void>; restart(): void }) {
  if (!round) return null;
  return <ChallengePanel key={round.challenge.id} challenge={round.challenge} details={details} onVerified={execute} onRestart={restart} />;
}
