import type { emailV1 } from '@shop/contracts';
import type { EmailJson } from '../schemas/emails';
import { required } from './contract-violation';

/** The public form of a sent mail: what it was, not where it went (the caller knows their address). */
export function toEmailJson(email: emailV1.Email): EmailJson {
  return {
    id: email.id,
    subject: email.subject,
    template: email.template,
    sentAt: required(email.sentAt, 'email.sentAt').toISOString(),
  };
}
