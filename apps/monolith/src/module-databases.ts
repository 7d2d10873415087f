import {
  createPool,
  moduleSchemaConnection,
  provisionModuleSchema,
  runMigrations,
  type Migration,
  type ModuleSchemaProvision,
  type Pool,
} from '@shop/db';
import { migrations as emailMigrations } from '@shop/email-module';
import type { Logger } from '@shop/logger';
import { migrations as ordersMigrations } from '@shop/orders-module';
import { migrations as paymentsMigrations } from '@shop/payments-module';
import { migrations as usersMigrations } from '@shop/users-module';
import type { ModuleName } from './adapters/module-span';
import type { MonolithConfig } from './config';

export const MODULES: readonly ModuleName[] = ['users', 'orders', 'payments', 'email'];

const MIGRATIONS: Record<ModuleName, readonly Migration[]> = {
  users: usersMigrations,
  orders: ordersMigrations,
  payments: paymentsMigrations,
  email: emailMigrations,
};

export type ModulePools = Record<ModuleName, Pool>;

type DatabaseConfig = Pick<
  MonolithConfig,
  | 'DATABASE_URL'
  | 'USERS_DB_PASSWORD'
  | 'ORDERS_DB_PASSWORD'
  | 'PAYMENTS_DB_PASSWORD'
  | 'EMAIL_DB_PASSWORD'
  | 'PG_POOL_MAX'
>;

/**
 * Where a module lives in the shared database: the schema named after it, and a role of its own named
 * after the database too, since roles are server-wide and two shops (or test runs) may share a server.
 */
export function moduleSchemaOf(config: DatabaseConfig, module: ModuleName): ModuleSchemaProvision {
  const passwords: Record<ModuleName, string | undefined> = {
    users: config.USERS_DB_PASSWORD,
    orders: config.ORDERS_DB_PASSWORD,
    payments: config.PAYMENTS_DB_PASSWORD,
    email: config.EMAIL_DB_PASSWORD,
  };
  const { database } = config.DATABASE_URL;
  return { database, schema: module, role: `${database}_${module}`, password: passwords[module] };
}

/**
 * Gives every module its schema and role (from the admin connection of DATABASE_URL), runs each module's
 * migrations as the module's own role, so its tables are its own, and opens one pool per module as that
 * role: no module can read another's tables. Safe to run from several replicas at once (provisioning
 * and migrations take advisory locks). A pool already opened is closed again when a later step fails.
 */
export async function openModuleDatabases(
  config: DatabaseConfig,
  logger: Logger,
  applicationName: string,
): Promise<ModulePools> {
  const opened: Partial<ModulePools> = {};
  try {
    for (const module of MODULES) {
      const target = moduleSchemaOf(config, module);
      await provisionModuleSchema(config.DATABASE_URL, target);
      const pool = createPool(moduleSchemaConnection(config.DATABASE_URL, target), {
        applicationName: `${applicationName}/${module}`,
        max: config.PG_POOL_MAX,
      });
      opened[module] = pool;
      await runMigrations(pool, MIGRATIONS[module], logger.child({ module }));
    }
    return opened as ModulePools;
  } catch (error) {
    await closeModuleDatabases(opened);
    throw error;
  }
}

export async function closeModuleDatabases(pools: Partial<ModulePools>): Promise<void> {
  await Promise.all(Object.values(pools).map((pool) => pool.end()));
}
