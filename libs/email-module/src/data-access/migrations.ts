import type { Migration } from '@shop/db';
import { messagingMigrations } from '@shop/messaging';

export const migrations: readonly Migration[] = [
  ...messagingMigrations,
  {
    name: '0001-emails',
    up: `
      CREATE TABLE emails (
        id         uuid PRIMARY KEY,
        -- One mail per event: the unique event id is what makes a redelivered event send nothing new.
        event_id   uuid NOT NULL UNIQUE,
        recipient  text NOT NULL,
        subject    text NOT NULL,
        template   text NOT NULL,
        status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
        -- Millisecond precision, as JavaScript dates have, so a page cursor holds a sent_at exactly.
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        sent_at    timestamptz(3),
        CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      );
      CREATE INDEX emails_sent_idx ON emails (sent_at DESC, id DESC) WHERE status = 'sent';
      CREATE INDEX emails_recipient_sent_idx ON emails (recipient, sent_at DESC, id DESC)
        WHERE status = 'sent';
    `,
  },
];
