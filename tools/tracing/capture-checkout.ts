/**
 * `npm run trace:capture`: runs the shop with its telemetry sent to an in-process OTLP receiver, places
 * one order that is paid and one whose card is declined, and keeps the two traces:
 *
 *   docs/traces/checkout-confirmed.json, docs/traces/checkout-cancelled.json   the spans, as received
 *   docs/tracing.md                                                            their trees, between the
 *                                                                              trace:*:start/end markers
 *
 * Needs what `npm run stack` needs (Postgres through PG*, the broker built or KAFKA_BROKERS set).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { startStack, WORKSPACE_ROOT, type Stack } from '@shop/stack';
import { adminConnection, startOtlpReceiver, startSmtpCapture, type ReceivedSpan } from '@shop/testing';
import { shopClient } from '../../apps/shop-e2e/src/shop-client';
import {
  checkout,
  findCheckoutTrace,
  tracingEnv,
  untilSpansStopArriving,
  type Checkout,
} from '../../apps/shop-e2e/src/trace-checkout';
import { renderTraceTree } from '@shop/trace-tree';

const GUIDE = join(WORKSPACE_ROOT, 'docs', 'tracing.md');
const TRACES = join(WORKSPACE_ROOT, 'docs', 'traces');

const log = (line: string) => process.stdout.write(`${line}\n`);

async function formatted(path: string, text: string): Promise<string> {
  const config = (await resolveConfig(path)) ?? {};
  return format(text, { ...config, filepath: path });
}

/** Replaces what lies between `<!-- trace:NAME:start -->` and `<!-- trace:NAME:end -->`. */
function replaceSection(document: string, name: string, body: string): string {
  const start = `<!-- trace:${name}:start -->`;
  const end = `<!-- trace:${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${GUIDE} has no ${start} ... ${end} section`);
  return `${document.slice(0, from + start.length)}\n\n${body.trim()}\n\n${document.slice(to)}`;
}

function section(spans: ReceivedSpan[], placed: Checkout, file: string): string {
  const services = [...new Set(spans.map((span) => span.service))];
  return [
    `Order \`${placed.orderId}\` (${placed.order.status}), trace \`${spans[0]?.traceId ?? ''}\`: ` +
      `${spans.length} spans from ${services.length} services. Spans as received: ` +
      `[${file}](traces/${file}).`,
    '',
    '```text',
    renderTraceTree(spans),
    '```',
  ].join('\n');
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const receiver = await startOtlpReceiver();
  const smtp = await startSmtpCapture();
  let stack: Stack | undefined;
  try {
    log(`building and starting the shop, telemetry to ${receiver.endpoint} ...`);
    stack = await startStack({
      postgres: adminConnection(),
      kafkaBrokers: process.env['KAFKA_BROKERS'] || undefined,
      smtpUrl: smtp.url,
      ports: 'free',
      databasePrefix: `trace_${run}_`,
      // A broker of our own needs no prefix (and the trees read better without one); a shared one does.
      topicPrefix: process.env['KAFKA_BROKERS'] ? `trace-${run}.` : '',
      temporaryDatabases: true,
      logDir: join(WORKSPACE_ROOT, 'tmp', 'trace-capture', run),
      env: tracingEnv(receiver.endpoint),
    });
    const shop = shopClient(stack.gatewayUrl);
    const waitForMail = async (email: string, orderId: string) => {
      const deadline = Date.now() + 30_000;
      while (!smtp.mails.some((mail) => mail.to.includes(email) && mail.raw.includes(orderId))) {
        if (Date.now() > deadline) throw new Error(`no mail to ${email} about order ${orderId}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const checkouts: [name: string, placed: Checkout][] = [];
    for (const [name, paymentMethod] of [
      ['confirmed', 'pm_card_visa'],
      ['cancelled', 'pm_card_chargeDeclined'],
    ] as const) {
      const placed = await checkout(shop, {
        email: `${name}-${run}@example.com`,
        paymentMethod,
        waitForMail,
      });
      log(`checkout ${name}: order ${placed.orderId} ${placed.order.status}`);
      checkouts.push([name, placed]);
    }
    await untilSpansStopArriving(receiver.spans);

    let guide = readFileSync(GUIDE, 'utf8');
    for (const [name, placed] of checkouts) {
      const traceId = placed.traceIdHeader ?? findCheckoutTrace(receiver.spans, placed);
      if (!traceId) throw new Error(`no trace found for the ${name} checkout (order ${placed.orderId})`);
      const spans = receiver.spans
        .filter((span) => span.traceId === traceId)
        .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
      const file = `checkout-${name}.json`;
      const path = join(TRACES, file);
      writeFileSync(path, await formatted(path, JSON.stringify(spans, null, 2)));
      guide = replaceSection(guide, name, section(spans, placed, file));
      log(`\n${name}: ${spans.length} spans -> docs/traces/${file}\n${renderTraceTree(spans)}`);
    }
    writeFileSync(GUIDE, await formatted(GUIDE, guide));
    log('\ndocs/tracing.md updated');
  } finally {
    const exits = (await stack?.stop()) ?? [];
    const unclean = exits.filter((exit) => exit.code !== 0);
    if (unclean.length > 0) {
      process.exitCode = 1;
      log(
        `apps that did not stop cleanly: ${unclean.map((exit) => `${exit.label} (${exit.code})`).join(', ')}`,
      );
    }
    await smtp.stop();
    await receiver.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
