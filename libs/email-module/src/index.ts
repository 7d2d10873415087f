/**
 * The email module: the mails the shop sends (a welcome, an order's receipt or cancellation) and the
 * record of what was sent. Any composition root (an email service behind gRPC and Kafka, or a modular
 * monolith in-process) builds it with `createEmailModule` over its own database and runs `migrations`
 * on that database first. The module publishes no events, so it needs no outbox relay.
 */
import type { Pool } from '@shop/db';
import type { Logger } from '@shop/logger';
import { createEmailRepository } from './data-access/email-repository';
import { createSmtpMailer, type SmtpMailerOptions } from './data-access/smtp-mailer';
import { tracedMailer } from './data-access/traced-mailer';
import { createEmailLog, type EmailLog } from './domain/email-log';
import { createNotificationUseCases, type NotificationUseCases } from './domain/notifications';
import { emailEventHandlers, type EmailEventHandlers } from './events';

export { migrations } from './data-access/migrations';
export { mailboxDomain, smtpEnv } from './env';
export type { SmtpMailerOptions } from './data-access/smtp-mailer';
export type { EmailRecord, EmailStatus, SentEmail } from './domain/email';
export type { EmailLog, EmailPage, EmailQuery } from './domain/email-log';
export type { DeliveryOutcome, Notification, NotificationUseCases } from './domain/notifications';
export type { Recipient, TemplateName } from './domain/templates/rendered-email';
export type { DeliveredEvent, EmailEventHandlers } from './events';

export interface EmailModuleDeps {
  /** The module's own database, migrated with `migrations`. */
  pool: Pool;
  /** The mail server the mails go through, the From of every mail, and the faults injected into sends. */
  smtp: SmtpMailerOptions;
  /** Right-hand side of the Message-IDs, e.g. the domain of the From address. */
  messageIdDomain: string;
  logger: Logger;
}

export interface EmailModule {
  useCases: {
    notifications: NotificationUseCases;
    emailLog: EmailLog;
  };
  /** The events that deserve a mail, for a consumer or an in-process dispatcher. */
  eventHandlers: EmailEventHandlers;
  /** Closes the connections to the mail server; call it once nothing sends any more. */
  close(): void;
}

export function createEmailModule(deps: EmailModuleDeps): EmailModule {
  const emails = createEmailRepository(deps.pool);
  const mailer = tracedMailer(createSmtpMailer(deps.smtp));
  const notifications = createNotificationUseCases({
    emails,
    mailer,
    messageIdDomain: deps.messageIdDomain,
    logger: deps.logger,
  });
  return {
    useCases: { notifications, emailLog: createEmailLog({ emails }) },
    eventHandlers: emailEventHandlers(notifications),
    close: () => mailer.close(),
  };
}
