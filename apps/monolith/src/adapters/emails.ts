import type { EmailLog, SentEmail } from '@shop/email-module';
import { unauthenticated } from '@shop/errors';
import type { EmailPort, EmailView } from '@shop/shop-api';
import { inModule } from './module-span';

/** The public form of a sent mail: what it was, not where it went (the caller knows their address). */
export const toEmailView = (email: SentEmail): EmailView => ({
  id: email.id,
  subject: email.subject,
  template: email.template,
  sentAt: email.sentAt.toISOString(),
});

/**
 * The API's email port over the email module's log: the mails sent to the login email the caller's
 * verified token names (the welcome mail and the orders' customer email went to that same address).
 */
export function inProcessEmail(emailLog: EmailLog): EmailPort {
  return {
    listEmails: (caller, { limit, cursor }) =>
      inModule(
        'email',
        'listEmails',
        async () => {
          // An empty recipient would list everyone's mails.
          if (!caller.email?.trim()) throw unauthenticated('The access token names no email address');
          const page = await emailLog.list({
            recipient: caller.email,
            limit: limit ?? 0,
            cursor: cursor ?? '',
          });
          return { items: page.emails.map(toEmailView), nextCursor: page.nextCursor || null };
        },
        { 'app.user.id': caller.userId },
      ),
  };
}
