import nodemailer from 'nodemailer';
import type { EmailSender } from '../domain/kernel/ports.js';

export interface SmtpOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465. */
  url: string;
  from: string;
  fromName: string;
  timeoutMs?: number;
}

/**
 * Notices by SMTP. Plain text only, no links: a notice must never look like the phishing mail it
 * warns about. A failure throws; the outbox's worker logs it and tries again later (the change it reports has committed).
 */
export function createSmtpEmail(options: SmtpOptions): EmailSender & { close(): void } {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({ url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    async sendEmail(to, subject, body) {
      await transport.sendMail({ from: { name: options.fromName, address: options.from }, to, subject, text: body });
    },
    close: () => transport.close(),
  };
}
