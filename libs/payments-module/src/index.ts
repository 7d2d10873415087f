/**
 * The payments module: charging the orders placed and telling who paid. Any composition root (a
 * payments service behind gRPC and Kafka, or a modular monolith in-process) builds it with
 * `createPaymentsModule` over its own database and runs `migrations` on that database first.
 */
import type { Pool } from '@shop/db';
import { createPostgresUnitOfWork } from '@shop/messaging';
import { createPaymentRepository } from './data-access/payment-repository';
import {
  createSimulatedCardNetwork,
  type SimulatedCardNetworkOptions,
} from './data-access/simulated-card-network';
import { tracedPaymentProvider } from './data-access/traced-payment-provider';
import { createPaymentUseCases, type PaymentUseCases } from './domain/payments';
import { paymentEventHandlers, type PaymentEventHandlers } from './events';

export { migrations } from './data-access/migrations';
export { cardNetworkEnv } from './env';
export { TEST_CARDS, type SimulatedCardNetworkOptions } from './data-access/simulated-card-network';
export type { OrderToCharge } from './domain/order-to-charge';
export type { Payment, PaymentStatus } from './domain/payment';
export type { ChargeOutcome, PaymentLookup, PaymentUseCases } from './domain/payments';
export type { DeliveredEvent, PaymentEventHandlers } from './events';

export interface PaymentsModuleDeps {
  /** The module's own database, migrated with `migrations`. */
  pool: Pool;
  /** Called after a commit that wrote events to the outbox, so that the relay publishes them at once. */
  eventsWritten?: () => void;
  topics: {
    /** Where PaymentSucceeded and PaymentFailed go. */
    paymentEvents: string;
  };
  /** The simulated card network the charges go to: its latency, and the faults injected into it. */
  cardNetwork: SimulatedCardNetworkOptions;
}

export interface PaymentsModule {
  useCases: PaymentUseCases;
  /** The events the module acts on (OrderCreated), for a consumer or an in-process dispatcher. */
  eventHandlers: PaymentEventHandlers;
}

export function createPaymentsModule(deps: PaymentsModuleDeps): PaymentsModule {
  const { pool } = deps;
  const useCases = createPaymentUseCases({
    payments: createPaymentRepository(pool),
    unitOfWork: createPostgresUnitOfWork({
      pool,
      repositories: (client) => ({ payments: createPaymentRepository(client) }),
      eventsWritten: deps.eventsWritten,
    }),
    provider: tracedPaymentProvider(createSimulatedCardNetwork(deps.cardNetwork)),
    paymentEventsTopic: deps.topics.paymentEvents,
  });
  return { useCases, eventHandlers: paymentEventHandlers(useCases) };
}
