import { randomUUID } from 'node:crypto';
import { uuidProblem } from '@shop/domain-helpers';
import { invalidArgument, type ErrorDetail } from '@shop/errors';
import type { Logger } from '@shop/logger';
import type { EmailRepository } from './email';
import type { Mailer } from './mailer';
import { orderCancelledEmail, type CancelledOrder } from './templates/order-cancelled';
import { orderConfirmedEmail, type ConfirmedOrder } from './templates/order-confirmed';
import type { Recipient, RenderedEmail } from './templates/rendered-email';
import { welcomeEmail } from './templates/welcome';

export interface NotificationDeps {
  emails: EmailRepository;
  mailer: Mailer;
  /** Right-hand side of the Message-IDs, e.g. the domain of the From address. */
  messageIdDomain: string;
  logger: Logger;
}

/** A mail to send: who it is for, which template, and the data the template shows. */
export type Notification = {
  /**
   * The notification's id, a UUID: one mail per id however often it is asked for, and the mail's
   * Message-ID, so a copy sent twice still shows as one.
   */
  id: string;
  to: Recipient;
} & (
  | { template: 'welcome' }
  | { template: 'order-confirmed'; data: ConfirmedOrder }
  | { template: 'order-cancelled'; data: CancelledOrder }
);

export type DeliveryOutcome = 'sent' | 'already-sent';

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

function render(notification: Notification): RenderedEmail {
  switch (notification.template) {
    case 'welcome':
      return welcomeEmail(notification.to);
    case 'order-confirmed':
      return orderConfirmedEmail(notification.to, notification.data);
    case 'order-cancelled':
      return orderCancelledEmail(notification.to, notification.data);
  }
}

/** A notification that cannot become a mail is bad input: refused at once rather than retried. */
function checkDeliverable(id: string, mail: RenderedEmail): void {
  const problems = [uuidProblem('id', id)].filter((problem): problem is ErrorDetail => problem !== undefined);
  if (!ADDRESS.test(mail.to)) problems.push({ field: 'recipient', message: 'must be an email address' });
  if (problems.length > 0)
    throw invalidArgument(`The notification cannot be mailed (${mail.template})`, problems);
}

export function createNotificationUseCases(deps: NotificationDeps) {
  return {
    /**
     * Sends the mail a notification asks for: at least once, and not twice. The SMTP send cannot join a
     * database transaction, so delivery is three steps: (1) record the mail as `pending` under the
     * notification's unique id, (2) send it, (3) mark it `sent`. A repeated notification whose mail is
     * `sent` does nothing; one still `pending` (the send failed, or the process died before step 3) is
     * sent again.
     *
     * The trade-off: a crash after the server accepted the mail but before step 3 sends it a second
     * time. Sending at most once would mean losing a mail on such a crash, which is worse for a receipt.
     * The second copy carries the same Message-ID (derived from the notification id), so mail stores and
     * clients that deduplicate on it show one mail. Two deliveries of one notification racing each other
     * (a rebalance mid-send) can also both send; the same Message-ID covers that too, and holding a row
     * lock across an SMTP conversation is not worth avoiding it.
     */
    async send(notification: Notification): Promise<DeliveryOutcome> {
      const rendered = render(notification);
      const mail = { ...rendered, to: rendered.to.trim().toLowerCase() };
      checkDeliverable(notification.id, mail);
      const record = await deps.emails.recordPending({
        id: randomUUID(),
        notificationId: notification.id,
        recipient: mail.to,
        subject: mail.subject,
        template: mail.template,
      });
      const logged = { notificationId: notification.id, template: mail.template };
      if (record.status === 'sent') {
        deps.logger.debug(logged, 'mail already sent for this notification');
        return 'already-sent';
      }
      await deps.mailer.send({
        messageId: `<${notification.id}@${deps.messageIdDomain}>`,
        template: mail.template,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      await deps.emails.markSent(notification.id);
      deps.logger.info({ ...logged, emailId: record.id }, 'mail sent');
      return 'sent';
    },
  };
}

export type NotificationUseCases = ReturnType<typeof createNotificationUseCases>;
