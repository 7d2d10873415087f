import { classifyFailure } from '@shop/messaging';
import { createSmtpMailer } from './smtp-mailer';

const mail = {
  template: 'order-confirmed',
  to: 'ada@example.com',
  subject: 'Your order',
  text: 'Thanks',
  html: '<p>Thanks</p>',
  messageId: '<m1@shop.example>',
};

describe('SMTP mailer with the smtp-failure-share fault', () => {
  it('fails the sends it picks as a lost connection: transient, retried and never dead-lettered', async () => {
    // Port 9 (discard) is never reached: the injected failure comes before any connection.
    const mailer = createSmtpMailer({
      url: 'smtp://127.0.0.1:9',
      from: 'no-reply@shop.example',
      faults: { smtpFailureShare: () => Promise.resolve(1) },
    });
    const failure = await mailer.send(mail).catch((error: unknown) => error);
    mailer.close();
    expect(String(failure)).toMatch(/injected fault smtp-failure-share/);
    expect(classifyFailure(failure)).toBe('transient');
  });

  it('sends the others as usual', async () => {
    const mailer = createSmtpMailer({
      url: 'smtp://127.0.0.1:9',
      from: 'no-reply@shop.example',
      faults: { smtpFailureShare: () => Promise.resolve(0.5) },
      random: () => 0.9,
    });
    // Nothing listens on port 9: the send reaches for the server, and fails the real way.
    const failure = await mailer.send(mail).catch((error: unknown) => error);
    mailer.close();
    expect(String(failure)).not.toMatch(/injected fault/);
    expect(classifyFailure(failure)).toBe('transient');
  });
});
