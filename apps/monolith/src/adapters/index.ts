import type { Pool } from '@shop/db';
import type { EmailModule } from '@shop/email-module';
import type { OrdersModule } from '@shop/orders-module';
import type { ShopApiPorts } from '@shop/shop-api';
import type { UsersModule } from '@shop/users-module';
import { inProcessCatalog } from './catalog';
import { inProcessEmail } from './emails';
import { inProcessOrders } from './orders';
import { inProcessReadiness } from './readiness';
import { inProcessUsers } from './users';

export interface InProcessPortsDeps {
  users: UsersModule;
  orders: OrdersModule;
  email: EmailModule;
  /** Each module's own pool, which readiness asks. */
  pools: { users: Pool; orders: Pool; email: Pool };
  readinessDeadlineMs: number;
}

/** Every port of the API over the modules in this process. */
export function inProcessPorts(deps: InProcessPortsDeps): ShopApiPorts {
  return {
    users: inProcessUsers(deps.users.useCases),
    orders: inProcessOrders(deps.orders.useCases),
    catalog: inProcessCatalog(deps.orders.catalog),
    email: inProcessEmail(deps.email.useCases.emailLog),
    readiness: inProcessReadiness(deps.pools, deps.readinessDeadlineMs),
  };
}
