import type { CodeSent } from '../api/types';

// The resend countdown. The server's clock may differ from the browser's, so the wait comes as a
// number of seconds (`resendAfterSeconds`) and runs on the local clock from the moment of the answer.
const LONGEST_PLAUSIBLE_WAIT_MS = 10 * 60_000;

export function resendWaitMs(sent: CodeSent): number {
  const wait = sent.resendAfterSeconds * 1000;
  if (!Number.isFinite(wait)) return 60_000;
  return Math.min(Math.max(wait, 0), LONGEST_PLAUSIBLE_WAIT_MS);
}

