import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { eventsV1, encodeEventPayload, type EventTypeName } from '@shop/contracts';
import type { PoolClient } from '@shop/db';
import type { OutgoingEvent } from './ports';

/**
 * Records an event in the outbox inside the caller's transaction, so the event exists if and only if
 * the change it describes was committed. The relay publishes it afterwards. Returns the event id.
 */
export async function appendToOutbox<T extends EventTypeName>(
  client: PoolClient,
  event: OutgoingEvent<T>,
): Promise<string> {
  const eventId = randomUUID();
  const envelope = eventsV1.Envelope.encode({
    eventId,
    type: event.type,
    occurredAt: event.occurredAt ?? new Date(),
    aggregateId: event.aggregateId,
    payload: Buffer.from(encodeEventPayload(event.type, event.payload)),
  }).finish();
  const traceContext: Record<string, string> = {};
  propagation.inject(context.active(), traceContext);
  await client.query(
    `INSERT INTO outbox (event_id, event_type, topic, message_key, envelope, trace_context)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [eventId, event.type, event.topic, event.aggregateId, Buffer.from(envelope), traceContext],
  );
  return eventId;
}
