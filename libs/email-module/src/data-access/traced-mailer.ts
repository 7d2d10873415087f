import { inSpan } from '@shop/telemetry';
import type { Mailer } from '../domain/mailer';

/** The mailer with each send in an `smtp send` span naming the template: the step a trace shows. */
export function tracedMailer<M extends Mailer>(mailer: M): M {
  return {
    ...mailer,
    send: (mail) => inSpan('smtp send', { 'app.email.template': mail.template }, () => mailer.send(mail)),
  };
}
