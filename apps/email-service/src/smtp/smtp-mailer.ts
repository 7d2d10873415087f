import nodemailer from 'nodemailer';
import type { Mailer, OutgoingMail } from '../domain/mailer';
import { toSendError } from './smtp-failures';

export interface SmtpMailerOptions {
  /** smtp://host:port or smtps://user:pass@host:port */
  url: string;
  /** The From of every mail. */
  from: string;
}

// A mail server that does not answer must fail a send in seconds, not minutes (nodemailer's defaults),
// so that the consumer retries it rather than holding its partition.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Sends over SMTP through a small pool of reused connections. */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 5,
    ...TIMEOUTS,
  });
  return {
    async send(mail: OutgoingMail): Promise<void> {
      try {
        await transport.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
        });
      } catch (error) {
        throw toSendError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
