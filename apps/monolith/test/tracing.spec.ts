import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  ROOT_CONTEXT,
  context,
  propagation,
  trace,
  type Context,
  type ContextManager,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { TEST_CARDS } from '@shop/payments-module';
import { eventually } from '@shop/testing';
import { request, startTestMonolith, type TestMonolith } from './monolith';

/** What the Node SDK installs: the active span follows the work across `await`s. */
class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (...args: unknown[]): unknown =>
      this.with(ctx, () => (target as (...inner: unknown[]) => unknown)(...args));
    return run as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

/**
 * One checkout is one trace, module by module: the order placed by the orders module, its OrderCreated
 * delivered in process to payments, which charges the card, the outcome delivered to orders, and the
 * confirmation to email, which sends the mail.
 */
describe('monolith: tracing a checkout', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let shop: TestMonolith;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalContextManager());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    shop = await startTestMonolith('monolith_tracing');
  });

  afterAll(async () => {
    await shop?.close();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('keeps the order, the charge, the settlement and the mail in the trace of the order placed', async () => {
    const email = `alan-${randomUUID()}@example.com`;
    const password = 'universal machine';
    await request(shop.baseUrl, 'POST', '/v1/users', { body: { email, name: 'Alan Turing', password } });
    const { body } = await request<{ accessToken: string }>(shop.baseUrl, 'POST', '/v1/auth/token', {
      body: { email, password },
    });
    const placed = await request<{ id: string }>(shop.baseUrl, 'POST', '/v1/orders', {
      token: body.accessToken,
      body: { items: [{ sku: 'beans-huila', quantity: 1 }], paymentMethod: TEST_CARDS.succeeds },
    });
    expect(placed.status).toBe(202);

    const placing = await eventually(() => {
      const span = exporter
        .getFinishedSpans()
        .find(
          (candidate) =>
            candidate.name === 'orders placeOrder' && candidate.attributes['app.order.id'] === placed.body.id,
        );
      if (!span) throw new Error('no span of the order placed');
      return span;
    });
    const { traceId } = placing.spanContext();
    const inTrace = () =>
      exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const consumers = (name: string) =>
      inTrace()
        .filter((span) => span.name === name)
        .map((span) => span.attributes['messaging.consumer.group.name']);

    await eventually(() => {
      expect(consumers('process orders.v1.events')).toEqual(
        expect.arrayContaining(['payments', 'email', 'order-status-streams']),
      );
      expect(consumers('process payments.v1.events')).toContain('orders');
      expect(inTrace().map((span) => span.name)).toEqual(
        expect.arrayContaining(['payment-provider charge', 'smtp send', 'users getUser']),
      );
    });
    expect(placing.attributes['app.module']).toBe('orders');
  });
});
