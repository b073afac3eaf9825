import type { CodeSent } from '../api/types';

// The resend countdown from `resendAfter`. The server's clock may differ from the browser's, so the
// wait is measured on the server's own timeline: the code was sent when it became valid, 5 minutes
// (the contract's code validity) before `codeExpiresAt`. The wait then runs on the local clock.
const CODE_VALIDITY_MS = 5 * 60_000;
const LONGEST_PLAUSIBLE_WAIT_MS = 10 * 60_000;

export function resendWaitMs(sent: CodeSent): number {
  const sentAt = Date.parse(sent.codeExpiresAt) - CODE_VALIDITY_MS;
  const wait = Date.parse(sent.resendAfter) - sentAt;
  if (!Number.isFinite(wait)) return 60_000;
  return Math.min(Math.max(wait, 0), LONGEST_PLAUSIBLE_WAIT_MS);
}

export type CodeChannel = 'sms' | 'voice';
