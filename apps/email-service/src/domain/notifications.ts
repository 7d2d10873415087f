import { randomUUID } from 'node:crypto';
import type { orderEvents, userEvents } from '@shop/contracts';
import { invalidArgument, type ErrorDetail } from '@shop/errors';
import type { Logger } from '@shop/logger';
import type { EmailRepository } from '../data-access/email-repository';
import type { Mailer } from './mailer';
import { orderCancelledEmail } from './templates/order-cancelled';
import { orderConfirmedEmail } from './templates/order-confirmed';
import type { RenderedEmail } from './templates/rendered-email';
import { welcomeEmail } from './templates/welcome';
import { annotateActiveSpan, inSpan } from '@shop/telemetry';

export interface NotificationDeps {
  emails: EmailRepository;
  mailer: Mailer;
  /** Right-hand side of the Message-IDs, e.g. the domain of the From address. */
  messageIdDomain: string;
  logger: Logger;
}

export type DeliveryOutcome = 'sent' | 'already-sent';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** An event that cannot become a mail is bad input: dead-lettered at once rather than retried. */
function checkDeliverable(eventId: string, mail: RenderedEmail): void {
  const problems: ErrorDetail[] = [];
  if (!UUID.test(eventId)) problems.push({ field: 'event_id', message: 'must be a UUID' });
  if (!ADDRESS.test(mail.to)) problems.push({ field: 'recipient', message: 'must be an email address' });
  if (problems.length > 0) throw invalidArgument(`The event cannot be mailed (${mail.template})`, problems);
}

export function createNotificationUseCases(deps: NotificationDeps) {
  /**
   * Sends the mail an event asks for: at least once, and not twice. The SMTP send cannot join a
   * database transaction, so delivery is three steps: (1) record the mail as `pending` under the event's
   * unique id, (2) send it, (3) mark it `sent`. A redelivered event whose mail is `sent` does nothing;
   * one still `pending` (the send failed, or the process died before step 3) is sent again.
   *
   * The trade-off: a crash after the server accepted the mail but before step 3 sends it a second time.
   * Sending at most once would mean losing a mail on such a crash, which is worse for a receipt. The
   * second copy carries the same Message-ID (derived from the event id), so mail stores and clients
   * that deduplicate on it show one mail. Two deliveries of one event racing each other (a rebalance
   * mid-send) can also both send; the same Message-ID covers that too, and holding a row lock across
   * an SMTP conversation is not worth avoiding it.
   */
  const deliverOnce = async (eventId: string, rendered: RenderedEmail): Promise<DeliveryOutcome> => {
    const mail = { ...rendered, to: rendered.to.trim().toLowerCase() };
    checkDeliverable(eventId, mail);
    const record = await deps.emails.recordPending({
      id: randomUUID(),
      eventId,
      recipient: mail.to,
      subject: mail.subject,
      template: mail.template,
    });
    if (record.status === 'sent') {
      deps.logger.debug({ eventId, template: mail.template }, 'mail already sent for this event');
      return 'already-sent';
    }
    await inSpan('smtp send', { 'app.email.template': mail.template }, () =>
      deps.mailer.send({
        messageId: `<${eventId}@${deps.messageIdDomain}>`,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      }),
    );
    await deps.emails.markSent(eventId);
    deps.logger.info({ eventId, emailId: record.id, template: mail.template }, 'mail sent');
    return 'sent';
  };

  return {
    welcome: (eventId: string, user: userEvents.UserRegistered) => {
      annotateActiveSpan({ 'app.user.id': user.userId, 'app.email.template': 'welcome' });
      return deliverOnce(eventId, welcomeEmail(user));
    },

    orderConfirmed: (eventId: string, order: orderEvents.OrderConfirmed) => {
      annotateActiveSpan({ 'app.order.id': order.orderId, 'app.user.id': order.userId });
      return deliverOnce(eventId, orderConfirmedEmail(order));
    },

    orderCancelled: (eventId: string, order: orderEvents.OrderCancelled) => {
      annotateActiveSpan({ 'app.order.id': order.orderId, 'app.user.id': order.userId });
      return deliverOnce(eventId, orderCancelledEmail(order));
    },
  };
}

export type NotificationUseCases = ReturnType<typeof createNotificationUseCases>;
