/**
 * The SMTP server the benchmark's email service sends to: it tells when a checkout is complete. A
 * checkout ends with the mail that says the order was confirmed (or cancelled), the saga's last hop,
 * so waiting for that mail measures the whole checkout, not just the POST that starts it. Mails are
 * counted, not kept: a run sends tens of thousands.
 */
import { SMTPServer } from 'smtp-server';

// The order mails' subjects (apps/email-service/src/domain/templates); the welcome mail is not one.
const SETTLED_SUBJECT = /^Subject: Your order \S+ (is confirmed|was cancelled)\r?$/im;

export interface CheckoutMails {
  url: string;
  /**
   * Resolves when the next order mail to this address arrives. One customer has one checkout in flight
   * at a time, so the address names the checkout.
   */
  settled(recipient: string, timeoutMs: number): Promise<'settled' | 'timeout'>;
  stop(): Promise<void>;
}

export function startCheckoutMails(): Promise<CheckoutMails> {
  const waiting = new Map<string, () => void>();
  /** Mails that came in before their checkout started waiting (the POST's answer still on its way). */
  const early = new Map<string, number>();
  const arrived = (recipient: string) => {
    const resolve = waiting.get(recipient);
    if (resolve) {
      waiting.delete(recipient);
      resolve();
    } else {
      early.set(recipient, (early.get(recipient) ?? 0) + 1);
    }
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        // The headers are all that is read; the body only drains.
        if (!head.includes('\r\n\r\n') && head.length < 16_384) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        if (SETTLED_SUBJECT.test(head))
          for (const recipient of session.envelope.rcptTo) arrived(recipient.address.toLowerCase());
        callback();
      });
    },
  });
  const settled: CheckoutMails['settled'] = (recipient, timeoutMs) => {
    const address = recipient.toLowerCase();
    const already = early.get(address) ?? 0;
    if (already > 0) {
      early.set(address, already - 1);
      return Promise.resolve('settled');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(address);
        resolve('timeout');
      }, timeoutMs);
      waiting.set(address, () => {
        clearTimeout(timer);
        resolve('settled');
      });
    });
  };
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `smtp://127.0.0.1:${port}`,
        settled,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
