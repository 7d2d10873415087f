import type { Migration } from '@shop/db';

/**
 * The tables every publishing or consuming service adds to its own database, next to its own
 * migrations: the outbox the relay drains, and the record of events already handled.
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
];
