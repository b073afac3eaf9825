import type { MessageRefusal, SmsSender, VoiceSender } from '../domain/kernel/ports.js';

export interface SmsProviderOptions {
  /** Base URL of a Twilio-compatible API, e.g. https://api.twilio.com. */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  smsFrom: string;
  voiceFrom: string | undefined;
  timeoutMs: number;
}

/** What a refused or failed request throws: the status and the provider's error code, never the text sent. */
export class ProviderError extends Error implements MessageRefusal {
  constructor(readonly operation: 'sms' | 'voice', readonly status: number | 'timeout' | 'network', readonly providerCode?: string) {
    super(`${operation} provider ${typeof status === 'number' ? `answered ${status}` : status}${providerCode ? ` (code ${providerCode})` : ''}`);
  }

  /**
   * Only a 4xx answer says the message did not go out. A time-out, a network error or a 5xx may
   * follow a delivery (a provider that answers late): those count as sent against the caps.
   */
  get refused(): boolean {
    return typeof this.status === 'number' && this.status >= 400 && this.status < 500;
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * SMS and voice calls through a Twilio-compatible REST API (Messages.json and Calls.json, form
 * posts with HTTP Basic). The message holds a code, so nothing of it reaches an error or a log:
 * errors carry the status and the provider's error code alone.
 */
export function createHttpSmsProvider(options: SmsProviderOptions): SmsSender & VoiceSender {
  const base = `${options.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  async function post(operation: 'sms' | 'voice', path: string, form: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${base}/${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ProviderError(operation, timedOut ? 'timeout' : 'network');
    }
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return;
    }
    throw new ProviderError(operation, response.status, await providerCodeOf(response));
  }

  return {
    sendSms: (to, body) => post('sms', 'Messages.json', { To: to, From: options.smsFrom, Body: body }),
    call: (to, body) => {
      // The text is read out twice in Japanese; TwiML carries it inline, so no URL of ours is fetched.
      const say = `<Say language="ja-JP">${escapeXml(body)}</Say>`;
      return post('voice', 'Calls.json', { To: to, From: options.voiceFrom ?? options.smsFrom, Twiml: `<Response>${say}<Pause length="1"/>${say}</Response>` });
    },
  };
}

/** Only the provider's numeric error code is kept from its answer; its message may echo our text. */
async function providerCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { code?: unknown };
    return typeof body.code === 'number' || (typeof body.code === 'string' && /^[0-9]{1,8}$/.test(body.code)) ? String(body.code) : undefined;
  } catch {
    return undefined;
  }
}
