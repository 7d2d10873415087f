import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { bearerMetadata } from '@shop/access-token';
import { call, waitUntilServing } from '@shop/grpc';
import { headersToStrings, DLT_HEADERS } from '@shop/kafka';
import {
  eventually,
  startSmtpCapture,
  testKafka,
  type CapturedMail,
  type SmtpCapture,
  failure,
} from '@shop/testing';
import type { emailV1 } from '@shop/contracts';
import { startEmailServiceHarness, type EmailServiceHarness } from './support/email-service-harness';
import { orderCancelled, orderConfirmed, orderCreated, userRegistered } from './support/events';

describe('email-service', () => {
  let smtp: SmtpCapture;
  let shop: EmailServiceHarness;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    shop = await startEmailServiceHarness('email', smtp.port);
  });

  afterAll(async () => {
    await shop.stop();
    await smtp.stop();
  });

  const mailsTo = (address: string) => smtp.mails.filter((mail) => mail.to.includes(address));
  const oneMailTo = (address: string): Promise<CapturedMail> =>
    eventually(() => {
      const mails = mailsTo(address);
      expect(mails).toHaveLength(1);
      return mails[0] as CapturedMail;
    });
  /** ListEmails as the user with this login email asks it: with their access token. */
  const listEmails = (address: string, request: Partial<emailV1.ListEmailsRequest> = {}) =>
    call(
      shop.client.listEmails.bind(shop.client),
      { limit: 0, cursor: '', ...request },
      { metadata: bearerMetadata(shop.tokens.sign(randomUUID(), { email: address })) },
    );

  it('welcomes a newly registered user by name, in a text and an HTML part', async () => {
    const eventId = await shop.publish(userRegistered('ada@example.com', 'Ada Lovelace'));

    const mail = await oneMailTo('ada@example.com');
    expect(mail.subject).toBe('Welcome to the shop, Ada Lovelace');
    expect(mail.headers.get('from')).toBe('Shop <no-reply@shop.example>');
    expect(mail.headers.get('to')).toBe('ada@example.com');
    // Derived from the event, so a copy sent again after a crash is recognisably the same mail.
    expect(mail.messageId).toBe(`<${eventId}@shop.example>`);
    expect(mail.text).toContain('Hello Ada Lovelace,');
    expect(mail.text).toContain('Your account ada@example.com is ready');
    expect(mail.html).toContain('Hello Ada Lovelace,');
  });

  it('confirms a paid order with its id and its total in the currency', async () => {
    const event = orderConfirmed('grace@example.com', { totalCents: 2500, currency: 'EUR' });
    await shop.publish(event);

    const mail = await oneMailTo('grace@example.com');
    expect(mail.subject).toBe(`Your order ${event.payload.orderId.slice(0, 8)} is confirmed`);
    expect(mail.text).toContain(`Order: ${event.payload.orderId}`);
    expect(mail.text).toContain('Total: EUR 25.00');
    expect(mail.html).toContain('EUR 25.00');
  });

  it('tells the customer that an order was cancelled and why, with markup in the reason escaped in HTML', async () => {
    const reason = 'Payment declined <script>alert("pwned")</script> & more';
    const event = orderCancelled('linus@example.com', reason);
    await shop.publish(event);

    const mail = await oneMailTo('linus@example.com');
    expect(mail.subject).toBe(`Your order ${event.payload.orderId.slice(0, 8)} was cancelled`);
    expect(mail.text).toContain(`Reason: ${reason}`);
    expect(mail.text).toContain('nothing was charged');
    expect(mail.html).toContain(
      'Payment declined &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; more',
    );
    expect(mail.html).not.toContain('<script>');
  });

  it('sends one mail for an event that is delivered twice', async () => {
    const event = { ...userRegistered('twice@example.com', 'Twice'), eventId: randomUUID() };
    await shop.publish(event);
    await shop.publish(event);
    // Same topic and key, so the same partition: once this one is mailed, both copies before it were handled.
    await shop.publish({
      ...userRegistered('twice-marker@example.com', 'Marker'),
      aggregateId: event.aggregateId,
    });
    await oneMailTo('twice-marker@example.com');

    expect(mailsTo('twice@example.com')).toHaveLength(1);
    const { rows } = await shop.db.pool.query<{ status: string }>(
      'SELECT status FROM emails WHERE event_id = $1',
      [event.eventId],
    );
    expect(rows).toEqual([{ status: 'sent' }]);
  });

  it('ignores the other events on the topics it reads', async () => {
    const orderId = randomUUID();
    const created = orderCreated('created@example.com', orderId);
    const createdId = await shop.publish(created);
    await shop.publish(orderConfirmed('created@example.com', { orderId }));

    const mail = await oneMailTo('created@example.com');
    expect(mail.subject).toMatch(/is confirmed$/);
    const { rows } = await shop.db.pool.query('SELECT 1 FROM emails WHERE event_id = $1', [createdId]);
    expect(rows).toHaveLength(0);
  });

  it('dead-letters an event that names no recipient, and goes on with the next', async () => {
    const deadLetters: Record<string, string>[] = [];
    const reader = testKafka('email-dlt-reader').consumer({
      groupId: `${shop.prefix}dlt-reader`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    await reader.connect();
    await reader.subscribe({ topic: `${shop.prefix}email-service.dlt`, fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        deadLetters.push(headersToStrings(message.headers));
        return Promise.resolve();
      },
    });
    try {
      const nobody = orderConfirmed('');
      await shop.publish(nobody);
      await shop.publish({ ...orderConfirmed('after-nobody@example.com'), aggregateId: nobody.aggregateId });

      await oneMailTo('after-nobody@example.com');
      await eventually(() => expect(deadLetters).toHaveLength(1));
      expect(deadLetters[0]?.[DLT_HEADERS.error]).toMatch(/cannot be mailed/);
      expect(deadLetters[0]?.[DLT_HEADERS.attempts]).toBe('1');
    } finally {
      await reader.disconnect();
    }
  });

  it('lists what it sent, newest first, by recipient, a page at a time', async () => {
    const address = 'pages@example.com';
    const eventIds: string[] = [];
    for (const name of ['First', 'Second', 'Third']) {
      eventIds.push(await shop.publish(userRegistered(address, name)));
      // One at a time, so that the order of sending is the order of publishing. The mail reaches the
      // SMTP server a moment before the service records it as sent, and only sent mails are listed.
      await eventually(() => expect(mailsTo(address)).toHaveLength(eventIds.length));
      await eventually(async () => expect((await listEmails(address)).emails).toHaveLength(eventIds.length));
    }

    const all = await listEmails('Pages@Example.com');
    expect(all.emails.map((email) => email.eventId)).toEqual([...eventIds].reverse());
    expect(all.nextCursor).toBe('');
    expect(all.emails[0]).toMatchObject({
      recipient: address,
      subject: 'Welcome to the shop, Third',
      template: 'welcome',
    });
    expect(all.emails[0]?.sentAt).toBeInstanceOf(Date);

    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await listEmails(address, { limit: 2, cursor });
      expect(page.emails.length).toBeLessThanOrEqual(2);
      seen.push(...page.emails.map((email) => email.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...eventIds].reverse());

    // Only the caller's own mails: another user's token lists theirs, none of these.
    const someoneElse = await listEmails('ada@example.com', { limit: 100 });
    expect(someoneElse.emails.length).toBeGreaterThan(0);
    expect(someoneElse.emails.map((email) => email.recipient)).toEqual(
      someoneElse.emails.map(() => 'ada@example.com'),
    );
  });

  it.each([
    ['no token', () => undefined],
    ['a token signed by another key', () => shop.tokens.forged(randomUUID())],
    ['an expired token', () => shop.tokens.expired(randomUUID())],
    ['a token for another audience', () => shop.tokens.wrongAudience(randomUUID())],
    ['a token that names no email address', () => shop.tokens.sign(randomUUID(), { email: undefined })],
  ])('refuses to list with %s as UNAUTHENTICATED', async (_label, token) => {
    const signed = token();
    const error = await failure(
      call(
        shop.client.listEmails.bind(shop.client),
        { limit: 100, cursor: '' },
        { metadata: signed === undefined ? new Metadata() : bearerMetadata(signed) },
      ),
    );
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['a cursor it did not issue', { cursor: 'not-a-cursor' }, 'cursor'],
    ['a negative limit', { limit: -1 }, 'limit'],
  ])('refuses to list with %s as INVALID_ARGUMENT naming the field', async (_label, request, field) => {
    const error = await failure(listEmails('pages@example.com', request));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.map((detail) => detail.field)).toEqual([field]);
  });

  it('reports SERVING over the gRPC health checking protocol', async () => {
    await expect(
      waitUntilServing(`127.0.0.1:${shop.port}`, 2_000, '', shop.asGateway),
    ).resolves.toBeUndefined();
  });
});
