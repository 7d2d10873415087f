import { emailV1 } from '@shop/contracts';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import type { SentEmail } from '../../data-access/email-repository';
import type { EmailLog } from '../../domain/email-log';

const toMessage = (email: SentEmail): emailV1.Email => ({
  id: email.id,
  recipient: email.recipient,
  subject: email.subject,
  template: email.template,
  eventId: email.eventId,
  sentAt: email.sentAt,
});

/** Adapts gRPC requests to the use cases; no rules live here. */
export function emailGrpcService(emailLog: EmailLog, logger: Logger): GrpcService {
  return grpcService(emailV1.EmailServiceService, {
    listEmails: unary(async (request) => {
      const page = await emailLog.list(request);
      return { emails: page.emails.map(toMessage), nextCursor: page.nextCursor };
    }, logger),
  });
}
