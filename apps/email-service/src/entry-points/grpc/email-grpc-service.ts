import { forUser, type AccessTokenVerifier } from '@shop/access-token';
import { emailV1 } from '@shop/contracts';
import type { EmailLog, SentEmail } from '@shop/email-module';
import { unauthenticated } from '@shop/errors';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';

const toMessage = (email: SentEmail): emailV1.Email => ({
  id: email.id,
  recipient: email.recipient,
  subject: email.subject,
  template: email.template,
  eventId: email.notificationId,
  sentAt: email.sentAt,
});

/**
 * Adapts gRPC requests to the use cases; no rules live here. ListEmails lists the mails sent to the
 * user of the access token in the call metadata, by the login email the token names: the users service
 * signed it, and the mails went to that same address (the welcome mail and the orders' customer email).
 */
export function emailGrpcService(
  emailLog: EmailLog,
  tokens: AccessTokenVerifier,
  logger: Logger,
): GrpcService {
  return grpcService(emailV1.EmailServiceService, {
    listEmails: unary(
      forUser(tokens, async ({ limit, cursor }, caller) => {
        // An empty recipient would list everyone's mails.
        if (!caller.email?.trim()) throw unauthenticated('The access token names no email address');
        const page = await emailLog.list({ recipient: caller.email, limit, cursor });
        return { emails: page.emails.map(toMessage), nextCursor: page.nextCursor };
      }),
      logger,
    ),
  });
}
