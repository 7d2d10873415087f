import type { Migration } from '@shop/db';

/**
 * The tables every publishing or consuming service adds to its own database, next to its own
 * migrations: the outbox the relay drains, the record of events already handled, and the events the
 * in-process relay gave up on.
 */
export const messagingMigrations: readonly Migration[] = [
  {
    name: '0000-messaging-outbox',
    up: `
      CREATE TABLE outbox (
        id            bigserial PRIMARY KEY,
        event_id      uuid NOT NULL UNIQUE,
        event_type    text NOT NULL,
        topic         text NOT NULL,
        message_key   text NOT NULL,
        envelope      bytea NOT NULL,
        -- W3C trace context of the transaction that wrote the row, so that the publish continues its trace.
        trace_context jsonb NOT NULL DEFAULT '{}',
        created_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE processed_events (
        event_id     uuid PRIMARY KEY,
        event_type   text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    // Kafka consumers dead-letter to a topic; in-process delivery has no broker, so the events it gives
    // up on are kept beside the outbox they came from, whole (envelope and trace context), so that one
    // can be read, fixed and put back into the outbox.
    name: '0000-messaging-dead-letters',
    up: `
      CREATE TABLE dead_letters (
        id            bigserial PRIMARY KEY,
        event_id      uuid NOT NULL,
        event_type    text NOT NULL,
        topic         text NOT NULL,
        message_key   text NOT NULL,
        envelope      bytea NOT NULL,
        trace_context jsonb NOT NULL DEFAULT '{}',
        -- Who gave up on it: one event can fail for one subscriber and succeed for the others.
        subscriber    text NOT NULL,
        error         text NOT NULL,
        error_name    text NOT NULL,
        attempts      integer NOT NULL,
        failed_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, subscriber)
      );
    `,
  },
];
