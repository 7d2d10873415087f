import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  propagation,
  trace,
  type Context,
  type ContextManager,
  type SpanContext,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createTestDatabase, eventually, testLogger, type TestDatabase } from '@shop/testing';
import {
  IN_PROCESS_MESSAGING_SYSTEM,
  createPostgresUnitOfWork,
  messagingMigrations,
  startInProcessRelay,
  type InProcessRelay,
} from './index';
import { orderCreated, ORDERS } from '../test/in-process-fixture';

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

describe('in-process relay tracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let db: TestDatabase;
  let relay: InProcessRelay | undefined;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalContextManager());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    db = await createTestDatabase('in_process_tracing', messagingMigrations);
  });
  afterAll(async () => {
    await relay?.stop();
    await db.drop();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('delivers in a CONSUMER span that is a child of the span that wrote the event, around the handler', async () => {
    const seenBy: Record<string, SpanContext | undefined> = {};
    relay = startInProcessRelay({
      outboxes: [{ name: 'orders', pool: db.pool }],
      subscribers: ['payments', 'email'].map((name) => ({
        name,
        topics: [ORDERS],
        handlers: {
          'orders.v1.OrderCreated': () => {
            // What the module's own spans (its queries, its calls) will hang under.
            seenBy[name] = trace.getActiveSpan()?.spanContext();
            return Promise.resolve();
          },
        },
      })),
      logger: testLogger(),
      pollIntervalMs: 50,
    });
    const unitOfWork = createPostgresUnitOfWork({
      pool: db.pool,
      repositories: () => ({}),
      eventsWritten: () => relay?.wake(),
    });

    const checkout = await trace
      .getTracer('spec')
      .startActiveSpan('POST /v1/orders', { kind: SpanKind.SERVER }, async (span) => {
        await unitOfWork.run(({ publish }) => Promise.resolve(publish(orderCreated('o1'))));
        span.end();
        return span.spanContext();
      });

    await eventually(() => expect(Object.keys(seenBy).sort()).toEqual(['email', 'payments']));
    const deliveries = await eventually(() => {
      const spans = exporter.getFinishedSpans().filter((span) => span.name === `process ${ORDERS}`);
      expect(spans).toHaveLength(2);
      return spans;
    });
    for (const span of deliveries) {
      const subscriber = String(span.attributes['messaging.consumer.group.name']);
      expect(span.kind).toBe(SpanKind.CONSUMER);
      expect(span.spanContext().traceId).toBe(checkout.traceId);
      expect(span.parentSpanContext?.spanId).toBe(checkout.spanId);
      expect(span.attributes).toMatchObject({
        'messaging.system': IN_PROCESS_MESSAGING_SYSTEM,
        'messaging.operation.type': 'process',
        'messaging.destination.name': ORDERS,
      });
      expect(seenBy[subscriber]?.spanId).toBe(span.spanContext().spanId);
    }
  });
});
