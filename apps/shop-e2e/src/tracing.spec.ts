import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVICES } from '@shop/stack';
import { eventually } from '@shop/testing';
import { untilSpansStopArriving } from '@shop/shop-client';
import { buildTraceTree, SPAN_KIND } from '@shop/trace-tree';
import { checkoutLogRules } from './tracing/log-rules';
import { checkoutSpanRules } from './tracing/span-rules';
import { APPS, CHECKOUTS, describeSpan, HEX32, tracedCheckouts } from './tracing/traced-checkouts';

/**
 * The checkout as a trace: the real apps as processes export OTLP to a receiver in the test, and a
 * checkout must read as one trace (the rules in tracing/), its logs linked to it, its metrics received.
 */
jest.setTimeout(120_000);

const DEMO_TRAFFIC = join(__dirname, '../../../deploy/compose/demo-traffic/demo-traffic.mjs');

describe('the checkout is one trace', () => {
  const traced = tracedCheckouts();

  it('settles the paid order as CONFIRMED and the declined one as CANCELLED', () => {
    expect(traced.placed.confirmed.order.status).toBe('CONFIRMED');
    expect(traced.placed.cancelled.order.status).toBe('CANCELLED');
  });

  describe.each(CHECKOUTS)('the $which checkout', (checkout) => {
    checkoutSpanRules(traced, checkout);
    checkoutLogRules(traced, checkout);
  });

  it('names the trace of a refused request in its error body and headers', async () => {
    const refused = await traced.shop.request<{ code: string; traceId?: string }>('POST', '/v1/orders', {
      token: (await traced.shop.signUp(`refused-${traced.stack.run}@example.com`)).token,
      body: { items: 'many', currency: 'EUR', paymentMethod: 'pm_card_visa' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.traceId).toMatch(HEX32);
    expect(refused.headers.get('x-trace-id')).toBe(refused.body.traceId);
    await eventually(() =>
      expect(
        traced.receiver.spans.find(
          (span) => span.traceId === refused.body.traceId && span.service === 'gateway' && !span.parentSpanId,
        )?.attributes['http.response.status_code'],
      ).toBe(400),
    );
  });

  it('receives metrics from all five apps: HTTP, RPC, database pool, messaging and runtime', async () => {
    const expected: [service: string, metric: string | RegExp][] = [
      ...APPS.map((app): [string, RegExp] => [app, /^(nodejs|v8js)\./]),
      ['gateway', 'http.server.request.duration'],
      ...SERVICES.map((service): [string, string] => [service, 'db.client.connection.count']),
      ['users-service', 'rpc.server.call.duration'],
      ['orders-service', 'rpc.server.call.duration'],
      ['payments-service', 'messaging.process.duration'],
      ['orders-service', 'messaging.process.duration'],
      ['email-service', 'messaging.process.duration'],
    ];
    const missing = () =>
      expected
        .filter(
          ([service, metric]) =>
            !traced.receiver.metrics.some(
              (received) =>
                received.service === service &&
                (typeof metric === 'string' ? received.name === metric : metric.test(received.name)),
            ),
        )
        .map(([service, metric]) => `${service}: ${String(metric)}`);
    await eventually(() => expect(missing()).toEqual([]), 15_000, 250);
  });

  it("makes the demo traffic's checkout one whole trace: the gateway's span is its one root", async () => {
    // The compose demo's shopper, run as compose runs it (node, the script alone), for one checkout.
    const { stdout } = await promisify(execFile)(process.execPath, [DEMO_TRAFFIC], {
      env: {
        ...process.env,
        GATEWAY_URL: traced.stack.gatewayUrl,
        JAEGER_UI_URL: 'http://jaeger.invalid',
        DEMO_CHECKOUTS: '1',
        DEMO_INTERVAL_MS: '0',
      },
      timeout: 60_000,
    });
    const traceId = /trace http:\/\/jaeger\.invalid\/trace\/([0-9a-f]{32})/.exec(stdout)?.[1];
    expect(stdout).toMatch(/checkout 0: order \S+ (CONFIRMED|CANCELLED)/);
    expect(traceId).toMatch(HEX32);

    // Whole once the mail is sent: email-service's spans are the last of a checkout.
    const spans = () => traced.receiver.spans.filter((span) => span.traceId === traceId);
    await eventually(
      () => expect(spans().some((span) => span.service === 'email-service')).toBe(true),
      30_000,
    );
    await untilSpansStopArriving(traced.receiver.spans);
    const tree = buildTraceTree(spans());
    expect(tree.roots.map((root) => describeSpan(root.span))).toEqual([
      `gateway: POST /v1/orders (kind ${SPAN_KIND.server})`,
    ]);
    expect(tree.orphans.map((orphan) => describeSpan(orphan.span))).toEqual([]);
  });

  it('stops every app gracefully on SIGTERM: each process exits 0', async () => {
    const exits = await traced.stack.stop();
    expect(exits).toHaveLength(5);
    expect(exits.filter((exit) => exit.code !== 0)).toEqual([]);
  });
});
