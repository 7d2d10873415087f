// The messaging ports a domain depends on. Types only, and no database or broker in sight: a use case
// that imports from here can run over Postgres and Kafka, in-process, or over in-memory fakes alike.
import type { EventMessage, EventTypeName } from '@shop/contracts';

/**
 * An event a use case publishes: which topic, which type, the aggregate it is about (which also keeps
 * that aggregate's events in order) and the payload, as the event's contract defines it. How it is
 * encoded and delivered (an envelope in the outbox, then a Kafka message) is the adapter's business.
 */
export interface OutgoingEvent<T extends EventTypeName = EventTypeName> {
  topic: string;
  type: T;
  aggregateId: string;
  payload: EventMessage<T>;
  occurredAt?: Date;
}

/** The identity of a message being handled: every redelivery of one message carries the same id. */
export interface EventDelivery {
  eventId: string;
  type: string;
}

/** What a piece of work sees inside its transaction. */
export interface Transaction<R> {
  /** The repositories, bound to this transaction: what they write commits or rolls back with it. */
  readonly repositories: R;
  /** Publishes an event if, and only if, the transaction commits. */
  readonly publish: <T extends EventTypeName>(event: OutgoingEvent<T>) => void;
}

/**
 * Runs a piece of work in one transaction with the events it publishes, so that a change and its
 * events exist together or not at all, and the events go out after the commit.
 */
export interface UnitOfWork<R> {
  run<T>(work: (tx: Transaction<R>) => Promise<T>): Promise<T>;
  /**
   * The same, at most once per delivery: the delivery is recorded in the transaction, and a redelivery
   * finds it recorded and runs nothing.
   */
  runOnce(
    delivery: EventDelivery,
    work: (tx: Transaction<R>) => Promise<void>,
  ): Promise<'handled' | 'duplicate'>;
}
