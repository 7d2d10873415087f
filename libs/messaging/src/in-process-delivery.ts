import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Span } from '@opentelemetry/api';
import type { EventTypeName } from '@shop/contracts';
import type { Queryable } from '@shop/db';
import type { FailureKind } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import type { EventHandlers, ReceivedEvent } from './event-consumer';

/**
 * A reader of events in the same process: the handler map a Kafka consumer of the same module takes,
 * and the topics it listens to. Its name plays the part of a consumer group's: it shows in logs, spans
 * and dead letters.
 */
export interface InProcessSubscriber {
  name: string;
  topics: readonly string[];
  handlers: EventHandlers;
  /** How a handler's failure is treated; the messaging lib's `classifyFailure` by default. */
  classify?: (error: unknown) => FailureKind;
}

/** An outbox row as the in-process relay reads it. */
export interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  topic: string;
  message_key: string;
  envelope: Buffer;
  trace_context: Record<string, string>;
}

export interface RetryPolicy {
  /** Attempts before an event whose failure is `unknown` is dead-lettered. */
  maxAttempts: number;
  initialBackoffMs: number;
  /** The longest wait between two attempts; a `transient` failure is retried at this pace until it ends. */
  maxBackoffMs: number;
}

/** What one delivery needs from the relay running it. */
export interface DeliveryContext {
  outbox: string;
  /**
   * Where dead letters are written: beside the outbox. The pool, not the leader's connection, which
   * other deliveries of the batch may be using at the same moment.
   */
  deadLetterStore: Queryable;
  policy: RetryPolicy;
  logger: Logger;
  /** Aborted when the relay stops: waits end early and the event is left for the next start. */
  stopped: AbortSignal;
  onDeadLetter: (subscriber: string, topic: string) => void;
}

/** `process` spans of in-process delivery say so: no broker is involved. */
export const IN_PROCESS_MESSAGING_SYSTEM = 'in_process';

const tracer = () => trace.getTracer('shop-messaging');

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Hands one outbox event to one subscriber, in a span that continues the trace of the transaction that
 * wrote it (as a Kafka consumer's processing span continues the producer's). Retries and dead-letters
 * as the Kafka consumer does. Resolves true once the event is done with (handled or dead-lettered),
 * false when the relay stopped before then; rejects only when the dead letter could not be written.
 */
export function deliverToSubscriber(
  row: OutboxRow,
  event: ReceivedEvent<EventTypeName> | Error,
  subscriber: InProcessSubscriber,
  classify: (error: unknown) => FailureKind,
  ctx: DeliveryContext,
): Promise<boolean> {
  const parent = propagation.extract(ROOT_CONTEXT, row.trace_context);
  return tracer().startActiveSpan(
    `process ${row.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': IN_PROCESS_MESSAGING_SYSTEM,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': row.topic,
        'messaging.consumer.group.name': subscriber.name,
        'messaging.message.id': row.event_id,
        'app.event.type': row.event_type,
        'app.outbox': ctx.outbox,
      },
    },
    parent,
    async (span) => {
      try {
        return await attempts(row, event, subscriber, classify, ctx, span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: asError(error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

async function attempts(
  row: OutboxRow,
  event: ReceivedEvent<EventTypeName> | Error,
  subscriber: InProcessSubscriber,
  classify: (error: unknown) => FailureKind,
  ctx: DeliveryContext,
  span: Span,
): Promise<boolean> {
  const { policy, logger } = ctx;
  for (let attempt = 1; ; attempt++) {
    try {
      if (event instanceof Error) throw event;
      const handler = subscriber.handlers[event.type] as
        ((event: ReceivedEvent<EventTypeName>) => Promise<void>) | undefined;
      await handler?.(event);
      return true;
    } catch (error) {
      // Each failed attempt is on the span, so the trace shows the retries.
      span.recordException(asError(error));
      const kind = classify(error);
      if (kind === 'permanent' || (kind === 'unknown' && attempt >= policy.maxAttempts)) {
        await deadLetter(row, subscriber, error, attempt, ctx);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `dead-lettered after ${attempt} attempts: ${asError(error).message}`,
        });
        return true;
      }
      if (ctx.stopped.aborted) return false;
      // A transient failure keeps the event in hand however long the outage lasts: later events of the
      // same aggregate wait behind it, as they would on a Kafka partition.
      const backoffMs = Math.min(policy.initialBackoffMs * 2 ** (attempt - 1), policy.maxBackoffMs);
      logger.warn(
        {
          err: error,
          attempt,
          backoffMs,
          eventId: row.event_id,
          topic: row.topic,
          subscriber: subscriber.name,
          kind,
        },
        kind === 'transient' && attempt >= policy.maxAttempts
          ? 'handling failed on a dependency that is away, waiting for it'
          : 'handling failed, retrying',
      );
      await sleep(backoffMs, undefined, { signal: ctx.stopped }).catch(() => undefined);
      if (ctx.stopped.aborted) return false;
    }
  }
}

/**
 * Records the event as given up on for this subscriber. Idempotent: an event dead-lettered again after
 * a crash (the outbox row was not deleted yet) updates its record rather than adding a second one.
 */
async function deadLetter(
  row: OutboxRow,
  subscriber: InProcessSubscriber,
  error: unknown,
  attempts: number,
  ctx: DeliveryContext,
): Promise<void> {
  const failure = asError(error);
  await ctx.deadLetterStore.query(
    `INSERT INTO dead_letters
       (event_id, event_type, topic, message_key, envelope, trace_context, subscriber, error, error_name, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (event_id, subscriber) DO UPDATE
       SET error = EXCLUDED.error, error_name = EXCLUDED.error_name, attempts = EXCLUDED.attempts,
           failed_at = now()`,
    [
      row.event_id,
      row.event_type,
      row.topic,
      row.message_key,
      row.envelope,
      row.trace_context,
      subscriber.name,
      failure.message,
      failure.name,
      attempts,
    ],
  );
  ctx.onDeadLetter(subscriber.name, row.topic);
  ctx.logger.error(
    { err: failure, eventId: row.event_id, topic: row.topic, subscriber: subscriber.name, attempts },
    'event dead-lettered',
  );
}
