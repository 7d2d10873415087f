import { setTimeout as sleep } from 'node:timers/promises';
import type { TestStack, TestStackOptions } from '@shop/stack';
import { eventually, type ServerConnection } from '@shop/testing';
import { shopClient } from '@shop/shop-client';
import { runCheckoutStream, signUpCustomers, type Attempt } from './checkout-stream';
import { checkLedger, pendingOrders, type LedgerReport } from './shop-ledger';

export interface ChaosOptions {
  /** Names the fault in the figures line. */
  fault: string;
  stack: TestStack;
  /** The Postgres server the stack's databases are on. */
  admin: ServerConnection;
  /** Happens while the checkouts stream in; resolves once the fault is over. */
  inject(): Promise<void>;
  checkouts?: number;
  perSecond?: number;
  /** How long into the stream the fault begins. */
  faultAfterMs?: number;
}

export interface ChaosReport extends LedgerReport {
  checkouts: number;
  accepted: number;
  faultMs: number;
  /** Answers 503 or 504: the shop saying "not now", as it should while a dependency is away. */
  unavailable: number;
  /** Requests that got no answer at all (connection refused or reset). */
  unanswered: number;
  /** Any other 5xx, a 500 above all: the shop must never answer one. */
  serverErrors: Attempt[];
  /** From the end of the fault to the last refused checkout: how long until the shop served again. */
  recoveredMs: number;
  /** From the end of the fault to the last mail's arrival: how long the mails were behind. */
  lastMailMs: number;
}

/** Two replicas of each consuming service (so one can fail while the other works) and a quick card network. */
export function chaosStack(label: string, extra: Partial<TestStackOptions> = {}): TestStackOptions {
  return {
    label,
    scale: { 'orders-service': 2, 'payments-service': 2, 'email-service': 2 },
    env: { CARD_NETWORK_LATENCY_MS: '5', CARD_NETWORK_JITTER_MS: '5' },
    ...extra,
  };
}

const refused = (attempt: Attempt) =>
  attempt.status === 0 || attempt.status === 503 || attempt.status === 504;

/**
 * A steady stream of checkouts, a fault in the middle of it, then the wait until every order has
 * settled and every mail has arrived; prints one figures line and returns what was seen.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { stack } = options;
  const shop = shopClient(stack.gatewayUrl);
  const ledger = { admin: options.admin, databases: stack.databases };
  const customers = await signUpCustomers(shop, stack.run, 20);

  const stream = runCheckoutStream({
    shop,
    customers,
    count: options.checkouts ?? 200,
    perSecond: options.perSecond ?? 10,
  });
  await sleep(options.faultAfterMs ?? 5_000);
  const faultStart = Date.now();
  await options.inject();
  const faultEnd = Date.now();
  const { checkouts, attempts } = await stream;

  await eventually(
    async () => {
      const pending = await pendingOrders(ledger, checkouts);
      if (pending > 0) throw new Error(`${pending} orders are still PENDING`);
    },
    120_000,
    500,
  );
  const accepted = checkouts.filter((checkout) => checkout.orderId).length;
  const expectedMails = customers.length + accepted;
  const distinctMails = () => new Set(stack.smtp.mails.map((mail) => mail.messageId)).size;
  await eventually(() => distinctMails() >= expectedMails, 60_000, 250).catch(() => undefined);
  const report = await checkLedger(ledger, checkouts, customers, stack.smtp.mails);

  const lastRefusal = Math.max(0, ...attempts.filter(refused).map((attempt) => attempt.at));
  const result: ChaosReport = {
    ...report,
    checkouts: checkouts.length,
    accepted,
    faultMs: faultEnd - faultStart,
    unavailable: attempts.filter((attempt) => attempt.status === 503 || attempt.status === 504).length,
    unanswered: attempts.filter((attempt) => attempt.status === 0).length,
    serverErrors: attempts.filter((attempt) => attempt.status >= 500 && !refused(attempt)),
    recoveredMs: Math.max(0, lastRefusal - faultEnd),
    lastMailMs: Math.max(0, ...stack.smtp.mails.map((mail) => mail.receivedAt.getTime() - faultEnd)),
  };
  process.stdout.write(
    `chaos[${options.fault}]: ${result.accepted}/${result.checkouts} orders accepted ` +
      `(${result.confirmed} confirmed, ${result.cancelled} cancelled), fault ${(result.faultMs / 1000).toFixed(1)} s, ` +
      `${result.unavailable} answers 503/504, ${result.unanswered} unanswered, ${result.serverErrors.length} other 5xx, ` +
      `serving again ${(result.recoveredMs / 1000).toFixed(1)} s after, ` +
      `slowest settle ${(result.slowestSettleMs / 1000).toFixed(1)} s, ` +
      `last mail ${(result.lastMailMs / 1000).toFixed(1)} s after, ${result.duplicateMails} duplicate mails ` +
      `(same Message-ID), ${result.violations.length} broken promises\n`,
  );
  return result;
}

/** The promises every chaos test asserts, whatever its fault. */
export function expectPromisesKept(report: ChaosReport, recoveryBoundMs: number): void {
  expect(report.violations).toEqual([]);
  expect(report.serverErrors).toEqual([]);
  expect(report.accepted).toBe(report.checkouts);
  expect(report.recoveredMs).toBeLessThan(recoveryBoundMs);
}
