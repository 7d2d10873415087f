/**
 * `npm run trace:capture [-- --out DIR] [-- --commit]`: runs the shop with its telemetry sent to
 * in-process OTLP receivers, places one order that is paid and one whose card is declined, and keeps
 * the two traces and the names of the metrics the shop exported meanwhile. It writes to `--out`
 * (default `tmp/trace-capture/<run>/`):
 *
 *   checkout-confirmed.json, checkout-cancelled.json   the spans, as received
 *   checkout-confirmed.txt, checkout-cancelled.txt     their trees
 *   metrics.json                                       every metric exported: OTLP name, type, unit
 *
 * and with `--commit` also rewrites the committed copies: docs/traces/checkout-*.json, the trees in
 * docs/tracing.md (between the trace:*:start/end markers) and tools/tracing/exported-metrics.json (what
 * tools/scripts/metric-names.spec.ts checks the dashboards and alerts against).
 *
 * Needs what `npm run stack` needs (Postgres through PG*, the broker built or KAFKA_BROKERS set).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { startStack, WORKSPACE_ROOT, type Stack } from '@shop/stack';
import { adminConnection, startOtlpReceiver, startSmtpCapture, type ReceivedSpan } from '@shop/testing';
import {
  checkout,
  findCheckoutTrace,
  shopClient,
  tracingEnv,
  untilSpansStopArriving,
  type Checkout,
} from '@shop/shop-client';
import { renderTraceTree } from '@shop/trace-tree';
import { exportedMetrics } from './exported-metrics';

const GUIDE = join(WORKSPACE_ROOT, 'docs', 'tracing.md');
const TRACES = join(WORKSPACE_ROOT, 'docs', 'traces');
const METRICS_FIXTURE = join(WORKSPACE_ROOT, 'tools', 'tracing', 'exported-metrics.json');
const USAGE = 'usage: npm run trace:capture [-- --out DIR] [-- --commit]';

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
  const { values: args } = parseArgs({
    options: {
      out: { type: 'string' },
      commit: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  if (args.help) {
    log(USAGE);
    return;
  }
  const run = randomBytes(3).toString('hex');
  const out = resolve(args.out ?? join(WORKSPACE_ROOT, 'tmp', 'trace-capture', run));
  mkdirSync(out, { recursive: true });
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

    // Histograms and counters are exported on the metric interval (1 s here): one more round after the
    // last span carries everything the checkouts recorded.
    await new Promise((done) => setTimeout(done, 2_500));

    let guide = readFileSync(GUIDE, 'utf8');
    for (const [name, placed] of checkouts) {
      const traceId = placed.traceIdHeader ?? findCheckoutTrace(receiver.spans, placed);
      if (!traceId) throw new Error(`no trace found for the ${name} checkout (order ${placed.orderId})`);
      const spans = receiver.spans
        .filter((span) => span.traceId === traceId)
        .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
      const file = `checkout-${name}.json`;
      const json = JSON.stringify(spans, null, 2);
      writeFileSync(join(out, file), await formatted(join(out, file), json));
      writeFileSync(join(out, `checkout-${name}.txt`), `${renderTraceTree(spans)}\n`);
      if (args.commit) {
        writeFileSync(join(TRACES, file), await formatted(join(TRACES, file), json));
        guide = replaceSection(guide, name, section(spans, placed, file));
      }
      log(
        `\n${name}: ${spans.length} spans -> ${relative(WORKSPACE_ROOT, join(out, file))}\n${renderTraceTree(spans)}`,
      );
    }
    const exported = exportedMetrics(receiver.metrics);
    const metrics = JSON.stringify(exported, null, 2);
    writeFileSync(join(out, 'metrics.json'), await formatted(join(out, 'metrics.json'), metrics));
    log(`${exported.length} metrics -> ${relative(WORKSPACE_ROOT, join(out, 'metrics.json'))}`);
    if (args.commit) {
      writeFileSync(GUIDE, await formatted(GUIDE, guide));
      writeFileSync(METRICS_FIXTURE, await formatted(METRICS_FIXTURE, metrics));
      log('docs/traces, docs/tracing.md and tools/tracing/exported-metrics.json updated');
    }
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
