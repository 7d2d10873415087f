import type { ShopApiPorts } from '@shop/shop-api';
import type { GrpcClients } from '../grpc-clients';
import { grpcEmail } from './emails';
import { grpcOrders } from './orders';
import { grpcCatalog } from './products';
import { grpcReadiness } from './readiness';
import { grpcUsers } from './users';

/** Every port of the API over the gateway's gRPC clients, which the caller keeps and closes. */
export function grpcPorts(clients: GrpcClients): ShopApiPorts {
  return {
    users: grpcUsers(clients.users),
    orders: grpcOrders(clients.orders),
    catalog: grpcCatalog(clients.catalog),
    email: grpcEmail(clients.email),
    readiness: grpcReadiness(clients.health),
  };
}
