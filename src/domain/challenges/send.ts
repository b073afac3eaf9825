import type { Deps } from '../kernel/context.js';
import { generateCode, hashCode } from '../kernel/codes.js';
import { fail, isFailure, type Failure } from '../kernel/errors.js';
import { last4 } from '../kernel/phone-numbers.js';
import type { ChallengeRecord, CodeChannel } from '../kernel/types.js';
import { openChallenge, usableChallengeCustomer } from './access.js';
import { codeMethods } from './create.js';
import type { MessageRefusal } from '../kernel/ports.js';
import { record, release, reserve } from '../kernel/reservations.js';

const HOUR = 3600_000;

export interface CodeSent {
  phoneLast4: string;
  codeExpiresAt: string;
  resendAfter: string;
  /** The same wait in seconds, so a client whose clock differs from the server's can count down. */
  resendAfterSeconds: number;
}

export function codeMessage(deps: Pick<Deps, 'policy' | 'firmName'>, challenge: ChallengeRecord, code: string, channel: CodeChannel): string {
  // Names the firm and what is approved (a withdrawal's amount), and warns against relaying it:
  // a customer tricked by a phishing site sees what the code would really authorise.
  const validity = Math.round(deps.policy.codeTtlMs / 60_000);
  if (channel === 'voice') {
    const spoken = code.split('').join('、');
    return `${deps.firmName}です。${challenge.summary}の確認コードは、${spoken}、です。繰り返します。${spoken}。このコードは誰にも教えないでください。`;
  }
  return `【${deps.firmName}】${challenge.summary}の確認コード: ${code}\n${validity}分間有効。このコードは誰にも教えないでください。当社がコードを尋ねることはありません。`;
}

/** 送信 / 再送信: a fresh code (the previous one stops working), within every sending limit. */
export async function sendChallengeCode(
  deps: Deps,
  challengeId: string,
  channel: CodeChannel,
  requester: { customerId: string | null },
): Promise<CodeSent | Failure> {
  const now = deps.clock.now();
  const opened = await openChallenge(deps, challengeId, requester, now);
  if (isFailure(opened)) return opened;
  const { challenge } = opened;
  // A challenge that takes a passkey only would refuse the code: sending it would only cost money.
  if (challenge.data.phishingResistant) return fail('phishing_resistant_required', { operation: challenge.data.phishingResistant });

  const phone = challenge.targetPhone;
  const phoneType = challenge.data.phoneType;
  if (channel === 'sms' && (!phone || phoneType !== 'mobile')) {
    return fail('sms_unavailable', { reason: !phone ? 'no_phone' : 'landline' });
  }
  if (channel === 'voice' && (!phone || !deps.voice)) return fail('voice_unavailable', { reason: !phone ? 'no_phone' : 'not_configured' });
  // Only a channel the challenge offered: a voice call to a mobile number it offered SMS for would
  // reach the phone by a channel the customer never chose (and voice is the pricier route).
  if (!codeMethods(deps, challenge).some((method) => method.type === channel)) {
    return channel === 'voice' ? fail('voice_unavailable', { reason: 'mobile' }) : fail('sms_unavailable', { reason: 'landline' });
  }
  const to = phone as string;

  // SMS pumping and bombing: caps per customer and per number, reserved in the database before the
  // send (reserve before you act), so no number of parallel sends passes a cap by even one.
  const customerKey = `send:customer:${challenge.customerId}`;
  const phoneKey = `send:phone:${to}`;
  const places: string[] = [];
  const giveBack = () => Promise.all(places.map((place) => release(deps, place)));
  for (const [key, limit, cap] of [
    [customerKey, deps.policy.maxSendsPerCustomerPerHour, 'customer_hourly_cap'],
    [phoneKey, deps.policy.maxSendsPerPhonePerHour, 'phone_hourly_cap'],
  ] as const) {
    const place = await reserve(deps, key, limit, HOUR, now);
    if (!place) {
      await giveBack();
      // A cap reached is what SMS pumping and bombing look like: the operator hears of it.
      deps.events.sendAlert(cap);
      deps.logger.warn({ alert: 'sms_cap', cap, customerId: challenge.customerId, phoneLast4: last4(to) }, 'code sending cap reached');
      return fail('send_limit_reached', { retryAfter: 3600 });
    }
    places.push(place);
  }

  const code = generateCode(deps.random);
  const codeHash = hashCode(deps.secrets.codeKey, challenge.id, code);
  const reserved = await deps.store.challenges.reserveSend(challenge.id, {
    now,
    minIntervalMs: deps.policy.resendAfterMs,
    maxSends: deps.policy.maxSendsPerChallenge,
    codeHash,
    codeExpiresAt: now + deps.policy.codeTtlMs,
    channel,
  });
  if (!reserved) {
    await giveBack();
    return refusedSend(deps, challenge.id, now);
  }

  // The hourly total only raises an alert; it is no cap: recorded without a system-wide lock.
  places.push(await record(deps, 'send:all', now));
  try {
    const body = codeMessage(deps, challenge, code, channel);
    if (channel === 'sms') await deps.sms.sendSms(to, body);
    else await deps.voice!.call(to, body);
  } catch (error) {
    const logged = { err: error instanceof Error ? error.message : String(error), channel, challenge: challenge.id };
    if (isClearRefusal(error)) {
      // The provider refused it (a 4xx answer): nothing went out, so nothing counts against the customer.
      await deps.store.challenges.releaseSend(challenge.id, codeHash, { sends: challenge.sends, lastSentAt: challenge.lastSentAt });
      await giveBack();
    } else {
      // A time-out or a server error may still have delivered the message (a provider that answers
      // late): it counts as sent against every cap and in the metrics. Only the resend wait is not
      // started (the customer may try again at once, within the caps), and the code stays valid.
      await deps.store.challenges.restartResendWait(challenge.id, codeHash, challenge.lastSentAt);
      deps.events.codeSent(channel, challenge.purpose);
    }
    deps.logger.error({ ...logged, counted: !isClearRefusal(error) }, 'code could not be sent');
    return fail('send_failed');
  }
  deps.events.codeSent(channel, challenge.purpose);
  await alertOnVolume(deps, now);
  return {
    phoneLast4: last4(to),
    codeExpiresAt: new Date(now + deps.policy.codeTtlMs).toISOString(),
    resendAfter: new Date(now + deps.policy.resendAfterMs).toISOString(),
    resendAfterSeconds: Math.ceil(deps.policy.resendAfterMs / 1000),
  };
}

async function refusedSend(deps: Pick<Deps, 'store' | 'policy'>, challengeId: string, now: number): Promise<Failure> {
  const current = await deps.store.challenges.findById(challengeId);
  if (!current) return fail('challenge_not_found');
  const unusable = await usableChallengeCustomer(deps, current, now);
  if (isFailure(unusable)) return unusable;
  if (current.sends >= deps.policy.maxSendsPerChallenge) return fail('send_limit_reached');
  const wait = (current.lastSentAt ?? now) + deps.policy.resendAfterMs - now;
  return fail('resend_too_soon', { retryAfter: Math.max(1, Math.ceil(wait / 1000)) });
}

/** Only a clear refusal (the provider answered 4xx) proves a message did not go out. */
function isClearRefusal(error: unknown): boolean {
  return error instanceof Error && (error as Partial<MessageRefusal>).refused === true;
}

/** How often the volume alert may be raised, across all instances, while the volume stays above its threshold. */
const ALERT_EVERY = 10 * 60_000;

/**
 * Toll fraud shows as volume: past the hourly total the operator is alerted (warn log and metric), once in
 * ALERT_EVERY across all instances while the volume stays above it (a reservation of one in that window:
 * the send that takes it raises the alert; every send past the threshold had raised one, a warn line a
 * send under pumping). Counted up to the threshold only: every send asks, so the count's work must not
 * grow with the hour's volume.
 */
async function alertOnVolume(deps: Pick<Deps, 'store' | 'logger' | 'policy' | 'events' | 'clock' | 'random'>, now: number): Promise<void> {
  const total = await deps.store.throttle.count('send:all', now - HOUR, deps.policy.sendAlertPerHour);
  if (total < deps.policy.sendAlertPerHour) return;
  if (!(await reserve(deps, 'send:volume-alert', 1, ALERT_EVERY, now))) return;
  deps.events.sendAlert('hourly_total');
  deps.logger.warn({ alert: 'sms_volume', sentLastHourAtLeast: total, nextAlertNotBeforeMinutes: ALERT_EVERY / 60_000 }, 'code sending volume at or above the alert threshold');
}
