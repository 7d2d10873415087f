import { classifyFailure } from '@shop/messaging';
import { toSendError } from './smtp-failures';

/** Errors shaped as nodemailer reports them: a code, and the SMTP reply code when the server answered. */
const smtpError = (code: string, responseCode?: number) =>
  Object.assign(new Error(`failed with ${code}`), { code, responseCode });

describe('send failures', () => {
  it.each([
    ['a refused connection', smtpError('ESOCKET')],
    ['a lost connection', smtpError('ECONNECTION')],
    ['a server that does not answer', smtpError('ETIMEDOUT')],
    ['a 421 "service not available"', smtpError('ECONNECTION', 421)],
    ['a 451 "try again later"', smtpError('EENVELOPE', 451)],
    ['refused credentials', smtpError('EAUTH', 535)],
  ])('treats %s as transient: retried and never dead-lettered', (_label, error) => {
    expect(classifyFailure(toSendError(error))).toBe('transient');
  });

  it('treats a permanent rejection of the recipient as the event at fault: dead-lettered at once', () => {
    expect(classifyFailure(toSendError(smtpError('EENVELOPE', 550)))).toBe('permanent');
  });

  it('passes anything else through for the consumer to retry a few times', () => {
    const error = smtpError('ESTREAM');
    expect(toSendError(error)).toBe(error);
    expect(classifyFailure(toSendError(new Error('boom')))).toBe('unknown');
  });
});
