import nodemailer from 'nodemailer';
import { markFault, type FaultFlags } from '@shop/fault-flags';
import { inClientSpan } from '@shop/telemetry';
import type { Mailer, OutgoingMail } from '../domain/mailer';
import { toSendError } from './smtp-failures';

export interface SmtpMailerOptions {
  /** smtp://host:port or smtps://user:pass@host:port */
  url: string;
  /** The From of every mail. */
  from: string;
  /** Faults injected on purpose (`npm run flags`), here at the outside edge where real ones happen. */
  faults?: Pick<FaultFlags, 'smtpFailureShare'>;
  /** The dice, replaceable for a test. */
  random?: () => number;
}

/** A send failed on purpose: shaped as nodemailer reports a lost connection, so it is handled as one. */
function injectedFailure(): Error {
  return Object.assign(new Error('connection to the mail server lost (injected fault smtp-failure-share)'), {
    code: 'ECONNECTION',
  });
}

// A mail server that does not answer must fail a send in seconds, not minutes (nodemailer's defaults),
// so that the consumer retries it rather than holding its partition.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Where the mail goes, as the semantic conventions name a remote peer (never the credentials). */
function smtpServerAttributes(url: string): Record<string, string | number> {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return {
    'server.address': parsed.hostname,
    'server.port': parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    'network.protocol.name': 'smtp',
  };
}

/** Sends over SMTP through a small pool of reused connections. */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 5,
    ...TIMEOUTS,
  });
  const random = options.random ?? Math.random;
  const serverAttributes = smtpServerAttributes(options.url);
  return {
    async send(mail: OutgoingMail): Promise<void> {
      // The conversation with the mail server, as a CLIENT span: the remote call a trace backend counts
      // (an injected fault happens here too, where a real lost connection would).
      await inClientSpan('mail-server send', serverAttributes, async () => {
        const failureShare = (await options.faults?.smtpFailureShare()) ?? 0;
        if (failureShare > 0 && random() < failureShare) {
          markFault('smtp-failure-share');
          // Transient like any lost connection: the consumer retries the mail, never dead-letters it.
          throw toSendError(injectedFailure());
        }
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
      });
    },
    close() {
      transport.close();
    },
  };
}
