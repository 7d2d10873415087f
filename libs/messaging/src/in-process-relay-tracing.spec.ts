import { SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import {
  createTestDatabase,
  eventually,
  recordSpans,
  testLogger,
  type RecordedSpans,
  type TestDatabase,
} from '@shop/testing';
import {
  IN_PROCESS_MESSAGING_SYSTEM,
  createPostgresUnitOfWork,
  messagingMigrations,
  startInProcessRelay,
  type InProcessRelay,
} from './index';
import { orderCreated, ORDERS } from '../test/in-process-fixture';

describe('in-process relay tracing', () => {
  let recorded: RecordedSpans;
  let db: TestDatabase;
  let relay: InProcessRelay | undefined;

  beforeAll(async () => {
    recorded = recordSpans();
    db = await createTestDatabase('in_process_tracing', messagingMigrations);
  });
  afterAll(async () => {
    await relay?.stop();
    await db.drop();
    await recorded.stop();
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
      const spans = recorded.exporter.getFinishedSpans().filter((span) => span.name === `process ${ORDERS}`);
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
