import { catalogV1, ordersV1 } from '@shop/contracts';
import { callersOf } from '@shop/service-identity';

/** Who may call what, by workload identity: orders and the catalog are the gateway's to ask. */
export const ordersCallers = [
  callersOf(ordersV1.OrdersServiceService, {
    createOrder: ['gateway'],
    getOrder: ['gateway'],
    listOrders: ['gateway'],
  }),
  callersOf(catalogV1.CatalogServiceService, {
    listProducts: ['gateway'],
    getProduct: ['gateway'],
  }),
];
