import type { Migration } from '@shop/db';
import { messagingMigrations } from '@shop/messaging';
import { catalogMigrations } from './catalog-migrations';

/**
 * The orders module's database: the outbox and processed deliveries its unit of work writes, the
 * orders, and the catalog they are priced from.
 */
export const migrations: readonly Migration[] = [
  ...messagingMigrations,
  {
    name: '0001-orders',
    up: `
      CREATE TABLE orders (
        id                  uuid PRIMARY KEY,
        user_id             uuid NOT NULL,
        status              text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
        items               jsonb NOT NULL,
        total_cents         bigint NOT NULL CHECK (total_cents > 0),
        currency            text NOT NULL,
        payment_method      text NOT NULL,
        -- Copied from the users service when the order is placed, so the order's events carry them.
        customer_email      text NOT NULL,
        customer_name       text NOT NULL,
        cancellation_reason text,
        payment_id          uuid,
        payment_outcome     text CHECK (payment_outcome IN ('SUCCEEDED', 'FAILED')),
        decline_code        text,
        idempotency_key     text,
        request_hash        text,
        -- Whole milliseconds: what a JavaScript Date holds, so list cursors name rows exactly.
        created_at          timestamptz(3) NOT NULL DEFAULT now(),
        updated_at          timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
      );
      -- One order per user and key: concurrent retries race here and only one of them places the order.
      CREATE UNIQUE INDEX orders_user_idempotency_key ON orders (user_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      -- A user's orders newest first, the keyset of ListOrders' pages.
      CREATE INDEX orders_user_listing ON orders (user_id, created_at DESC, id DESC);
    `,
  },
  ...catalogMigrations,
];
