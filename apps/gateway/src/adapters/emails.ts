import type { emailV1 } from '@shop/contracts';
import { call } from '@shop/grpc';
import type { EmailPort, EmailView } from '@shop/shop-api';
import { asCaller } from './caller';
import { required } from './contract-violation';

/** The public form of a sent mail: what it was, not where it went (the caller knows their address). */
export function toEmailJson(email: emailV1.Email): EmailView {
  return {
    id: email.id,
    subject: email.subject,
    template: email.template,
    sentAt: required(email.sentAt, 'email.sentAt').toISOString(),
  };
}

/** The API's email port over the email service. */
export function grpcEmail(email: emailV1.EmailServiceClient): EmailPort {
  return {
    async listEmails(caller, { limit, cursor }) {
      // The email service lists the mails to the address the caller's token names.
      const page = await call(
        email.listEmails.bind(email),
        // Proto3 has no absent numbers or strings: 0 and '' mean the default page size and the first page.
        { limit: limit ?? 0, cursor: cursor ?? '' },
        asCaller(caller),
      );
      return { items: page.emails.map(toEmailJson), nextCursor: page.nextCursor || null };
    },
  };
}
