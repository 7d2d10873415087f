import type { Migration } from '@shop/db';
import { messagingMigrations } from '@shop/messaging';

export const migrations: readonly Migration[] = [
  ...messagingMigrations,
  {
    name: '0001-users',
    up: `
      CREATE TABLE users (
        id            uuid PRIMARY KEY,
        email         text NOT NULL,
        name          text NOT NULL,
        password_hash text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      );
      -- Emails are stored normalised (lower case); the index makes "already registered" a constraint.
      CREATE UNIQUE INDEX users_email_key ON users (email);
    `,
  },
];
