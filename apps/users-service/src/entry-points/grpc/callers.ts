import { usersV1 } from '@shop/contracts';
import { callersOf } from '@shop/service-identity';

/**
 * Who may call what, by workload identity (the SPIFFE id of the caller's certificate): sign-up and
 * log-in come through the gateway; orders reads its customers' names and emails.
 */
export const usersCallers = [
  callersOf(usersV1.UsersServiceService, {
    register: ['gateway'],
    authenticate: ['gateway'],
    getUser: ['gateway', 'orders-service'],
  }),
];
