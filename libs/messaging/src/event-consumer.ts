import {
  decodeEventPayload,
  eventsV1,
  isEventTypeName,
  type EventMessage,
  type EventTypeName,
} from '@shop/contracts';
import { startConsumer, type ConsumedMessage, type ConsumerOptions, type RunningConsumer } from '@shop/kafka';
import { classifyFailure, PoisonMessageError } from './failures';

export interface ReceivedEvent<T extends EventTypeName> {
  eventId: string;
  type: T;
  aggregateId: string;
  occurredAt: Date | undefined;
  payload: EventMessage<T>;
}

export type EventHandlers = {
  [T in EventTypeName]?: (event: ReceivedEvent<T>) => Promise<void>;
};

export type EventConsumerOptions = Omit<ConsumerOptions, 'handle'> & { handlers: EventHandlers };

export function decodeEnvelope(message: Pick<ConsumedMessage, 'value'>): ReceivedEvent<EventTypeName> {
  if (!message.value) throw new PoisonMessageError('message has no value');
  let envelope: eventsV1.Envelope;
  try {
    envelope = eventsV1.Envelope.decode(message.value);
  } catch (error) {
    throw new PoisonMessageError(`message is not an event envelope: ${(error as Error).message}`);
  }
  if (!isEventTypeName(envelope.type)) throw new PoisonMessageError(`unknown event type "${envelope.type}"`);
  let payload: EventMessage<EventTypeName>;
  try {
    payload = decodeEventPayload(envelope.type, envelope.payload);
  } catch (error) {
    throw new PoisonMessageError((error as Error).message);
  }
  return {
    eventId: envelope.eventId,
    type: envelope.type,
    aggregateId: envelope.aggregateId,
    occurredAt: envelope.occurredAt,
    payload,
  };
}

/**
 * Consumes event envelopes and calls the handler for each event's type. A topic carries several types;
 * those without a handler are skipped. Bad messages go to the dead-letter topic; see `startConsumer`.
 */
export function startEventConsumer(options: EventConsumerOptions): Promise<RunningConsumer> {
  const { handlers, ...consumerOptions } = options;
  return startConsumer({
    classify: classifyFailure,
    ...consumerOptions,
    async handle(message) {
      const event = decodeEnvelope(message);
      const handler = handlers[event.type] as
        ((event: ReceivedEvent<EventTypeName>) => Promise<void>) | undefined;
      await handler?.(event);
    },
  });
}
