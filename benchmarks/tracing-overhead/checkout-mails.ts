/**
 * The SMTP server the benchmark's email service sends to: it tells when a checkout is complete. A
 * checkout ends with the mail that says the order was confirmed (or cancelled), the saga's last hop,
 * so waiting for that mail measures the whole checkout, not just the POST that starts it. Mails are
 * counted, not kept: a run sends tens of thousands.
 */
import { startSmtpServer } from '@shop/testing';

// The order mails' subjects (libs/email-module/src/domain/templates); the welcome mail is not one.
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

export async function startCheckoutMails(): Promise<CheckoutMails> {
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
  const server = await startSmtpServer(({ rcptTo, text }) => {
    // The subject is looked for in the headers only, never in the body.
    const headers = text.split('\r\n\r\n', 1)[0] ?? '';
    if (SETTLED_SUBJECT.test(headers)) for (const recipient of rcptTo) arrived(recipient.toLowerCase());
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
  return { url: server.url, settled, stop: () => server.stop() };
}
