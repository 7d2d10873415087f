import { resolve } from 'node:path';
import { faultFlagsEnv, lifelineEnv, logEnv, positiveInt, z } from '@shop/config';
import type { PostgresConnection } from '@shop/db';
import { smtpEnv } from '@shop/email-module';
import { cardNetworkEnv } from '@shop/payments-module';
import { shopApiEnv } from '@shop/shop-api';
import { accessTokenSigningEnv } from '@shop/users-module';

const optionalPassword = (module: string) =>
  z
    .string()
    .optional()
    .describe(
      `Password of the ${module} module's role, set on every start (omit where the server trusts local connections).`,
    );

/**
 * `postgres://user:password@host:port/database`: the one database the modules share, as a role that may
 * create roles and schemas there (it provisions each module's; the modules never use it).
 */
const databaseUrl = z
  .string()
  .transform((value, ctx): PostgresConnection => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a postgres:// URL' });
      return z.NEVER;
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!['postgres:', 'postgresql:'].includes(url.protocol) || !url.username || !database) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be postgres://user[:password]@host[:port]/database, with a user and a database',
      });
      return z.NEVER;
    }
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 5432,
      user: decodeURIComponent(url.username),
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database,
    };
  })
  .describe(
    'The database the modules share, as a role that may create roles and schemas: postgres://user[:password]@host[:port]/database (it must exist). On start each module gets its schema (users, orders, payments, email) and its own role, named <database>_<module>, and connects as that role only; this role is used for nothing else.',
  );

/**
 * The shop as one process: the public API with the gateway's variables (names and defaults from
 * @shop/shop-api) over the four modules, which keep the settings their services have (JWT signing, the
 * card network, SMTP), from the modules themselves.
 */
export const monolithConfigSchema = z.object({
  ...logEnv,
  ...lifelineEnv,
  ...faultFlagsEnv,
  // The bundle runs from dist/apps/monolith; the storefront's build lands next to it.
  ...shopApiEnv(resolve(__dirname, '../storefront')),

  DATABASE_URL: databaseUrl,
  USERS_DB_PASSWORD: optionalPassword('users'),
  ORDERS_DB_PASSWORD: optionalPassword('orders'),
  PAYMENTS_DB_PASSWORD: optionalPassword('payments'),
  EMAIL_DB_PASSWORD: optionalPassword('email'),
  PG_POOL_MAX: positiveInt("Most connections in each module's pool.", 5),

  // The users module signs the tokens and the API verifies them with the public half of the same key.
  ...accessTokenSigningEnv,
  ...cardNetworkEnv,
  ...smtpEnv,
});

export type MonolithConfig = z.output<typeof monolithConfigSchema>;
