import type { Migration } from '@shop/db';
import { messagingMigrations } from '@shop/messaging';

export const migrations: readonly Migration[] = [
  ...messagingMigrations,
  {
    name: '0001-payments',
    up: `
      CREATE TABLE payments (
        id                 uuid PRIMARY KEY,
        -- One payment per order: the constraint that makes a redelivered OrderCreated harmless.
        order_id           uuid NOT NULL UNIQUE,
        amount_cents       bigint NOT NULL CHECK (amount_cents > 0),
        currency           text NOT NULL,
        payment_method     text NOT NULL,
        status             text NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED')),
        decline_code       text,
        decline_message    text,
        provider_reference text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'FAILED') = (decline_code IS NOT NULL))
      );
    `,
  },
  {
    name: '0002-payment-owner',
    // The user who placed the order, from its OrderCreated: GetPayment shows a payment to that user only.
    // Payments recorded before it was kept have none and are shown to nobody.
    up: `ALTER TABLE payments ADD COLUMN user_id uuid;`,
  },
];
