import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Link,
} from '@opentelemetry/api';
import type { ConsumedMessage } from './consumer';

/**
 * Link mode's processing span. kafkajs's instrumentation runs an `eachBatch` handler in the batch's
 * span, so the work of each message would otherwise hang under the batch with nothing tying it to the
 * message's producer. This span gives each message's work a home of its own, in the batch's trace, with
 * a link to the producer's span. Named `process <topic>`, as the messaging semantic conventions name a
 * processing span: it stands beside the instrumentation's own (empty) per-message span of that name, and
 * is the one that holds the message's work.
 */
export async function inLinkedSpan<T>(message: ConsumedMessage, work: () => Promise<T>): Promise<T> {
  const producer = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, message.headers));
  const links: Link[] = producer && trace.isSpanContextValid(producer) ? [{ context: producer }] : [];
  const tracer = trace.getTracer('shop-kafka');
  return tracer.startActiveSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
      },
    },
    context.active(),
    async (span) => {
      try {
        return await work();
      } catch (error) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
