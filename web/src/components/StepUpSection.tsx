import type { ReactNode } from 'react';
import type { StepUpRound } from '../hooks/useStepUp';
import { useTexts } from '../i18n/texts';
import { ChallengePanel } from './ChallengePanel';

/** The code step of a protected operation, under its form. */
export function StepUpSection({ round, details, execute, restart }: { round: StepUpRound | null; details?: ReactNode; execute(): Promise<void>; restart(): void }) {
  const t = useTexts();
  if (!round) return null;
  return (
    <ChallengePanel
      key={round.challenge.id}
      challenge={round.challenge}
      initiallySent={round.sent}
      initialError={round.sendError}
      confirmLabel={t.code.execute}
      details={details}
      onVerified={execute}
      onRestart={restart}
    />
  );
}
