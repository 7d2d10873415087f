import { eventually, freePort, startSmtpCapture, type SmtpCapture } from '@shop/testing';
import { startEmailServiceHarness, type EmailServiceHarness } from './support/email-service-harness';
import { userRegistered } from './support/events';

describe('email-service while the mail server is down', () => {
  let shop: EmailServiceHarness;
  let smtp: SmtpCapture | undefined;
  let smtpPort: number;

  beforeAll(async () => {
    smtpPort = await freePort();
    shop = await startEmailServiceHarness('email_outage', smtpPort);
  });

  afterAll(async () => {
    await shop.stop();
    await smtp?.stop();
  });

  it('keeps the mail pending, and delivers it once when the server is back', async () => {
    const eventId = await shop.publish(userRegistered('patient@example.com', 'Patient Pat'));
    const status = async () => {
      const { rows } = await shop.db.pool.query<{ status: string }>(
        'SELECT status FROM emails WHERE event_id = $1',
        [eventId],
      );
      return rows[0]?.status;
    };
    await eventually(async () => expect(await status()).toBe('pending'));
    // Long enough for several failed attempts, so the consumer has had every chance to give up.
    await new Promise((resolve) => setTimeout(resolve, 4_000));

    smtp = await startSmtpCapture(smtpPort);

    const mail = await eventually(() => {
      expect(smtp?.mails).toHaveLength(1);
      return smtp?.mails[0];
    }, 45_000);
    expect(mail?.to).toEqual(['patient@example.com']);
    expect(mail?.subject).toBe('Welcome to the shop, Patient Pat');
    expect(mail?.messageId).toBe(`<${eventId}@shop.example>`);
    await eventually(async () => expect(await status()).toBe('sent'));
  }, 90_000);
});
