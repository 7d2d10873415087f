import { ARCHITECTURES, startTestStack, type AnyTestStack, type Architecture } from '@shop/stack';
import { eventually, type CapturedMail, type SmtpCapture } from '@shop/testing';
import { shopClient, type Order, type ShopClient } from '@shop/shop-client';

/**
 * The shop as the behavioural end-to-end suite drives it, deployed either way: the same tests run
 * against the microservices and the monolith (`describe.each(ARCHITECTURES)`), through the public HTTP
 * API only, with a real SMTP server catching the mails.
 */
export { ARCHITECTURES };

export interface ShopUnderTest {
  architecture: Architecture;
  /** The whole stack, for what only a test of the deployment itself reads (its processes). */
  readonly stack: AnyTestStack;
  /** Where the public API is: the gateway's, or the monolith's. */
  readonly baseUrl: string;
  readonly shop: ShopClient;
  /** The mails the shop sent. */
  readonly smtp: SmtpCapture;
  /** Stops the apps gracefully (safe to call again); resolves with how each one exited. */
  stop: AnyTestStack['stop'];
  /** An address of this run's own, so that runs and tests never meet: `ada-1f2e3d@example.com`. */
  email: (who: string) => string;
  mailsTo: (address: string) => CapturedMail[];
  /** The order once it is no longer PENDING. */
  settled: (token: string, id: string) => Promise<Order>;
}

/**
 * Starts the shop as `architecture` before the tests of the enclosing describe and stops it after them:
 * one stack per architecture per file, shared by its tests. The handles are read inside tests (the
 * stack exists from the first test on). `label` names the run's databases and logs (tmp/e2e/<label>-<run>).
 */
export function shopUnderTest(architecture: Architecture, label: string): ShopUnderTest {
  let started: { stack: AnyTestStack; shop: ShopClient } | undefined;
  const running = () => {
    if (!started) throw new Error(`the ${architecture} stack is not running: use it inside a test`);
    return started;
  };

  beforeAll(async () => {
    const stack = await startTestStack({
      architecture,
      label: `${label}${architecture === 'monolith' ? 'mono' : 'micro'}`,
      env: { LOG_LEVEL: 'info', CARD_NETWORK_LATENCY_MS: '5', CARD_NETWORK_JITTER_MS: '5' },
    });
    started = { stack, shop: shopClient(stack.gatewayUrl) };
  }, 300_000);

  // Stopped already by a test of the graceful stop, where the file has one.
  afterAll(() => started?.stack.stop(), 60_000);

  const under: ShopUnderTest = {
    architecture,
    get stack() {
      return running().stack;
    },
    get baseUrl() {
      return running().stack.gatewayUrl;
    },
    get shop() {
      return running().shop;
    },
    get smtp() {
      return running().stack.smtp;
    },
    stop: () => running().stack.stop(),
    email: (who) => `${who}-${running().stack.run}@example.com`,
    mailsTo: (address) => running().stack.smtp.mails.filter((mail) => mail.to.includes(address)),
    settled: (token, id) =>
      eventually(
        async () => {
          const { body } = await running().shop.getOrder(token, id);
          if (body.status === 'PENDING') throw new Error(`order ${id} is still PENDING`);
          return body;
        },
        60_000,
        200,
      ),
  };
  return under;
}
