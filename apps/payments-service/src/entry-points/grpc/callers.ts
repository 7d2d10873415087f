import { paymentsV1 } from '@shop/contracts';
import { callersOf } from '@shop/service-identity';

/** Who may call what, by workload identity: payments are charged from events, only read over gRPC. */
export const paymentsCallers = [
  callersOf(paymentsV1.PaymentsServiceService, {
    getPayment: ['gateway'],
  }),
];
