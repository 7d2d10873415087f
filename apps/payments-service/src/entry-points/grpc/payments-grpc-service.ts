import { forUser, type AccessTokenVerifier } from '@shop/access-token';
import { paymentsV1 } from '@shop/contracts';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import type { Payment, PaymentLookup, PaymentUseCases } from '@shop/payments-module';

const STATUS = {
  SUCCEEDED: paymentsV1.PaymentStatus.PAYMENT_STATUS_SUCCEEDED,
  FAILED: paymentsV1.PaymentStatus.PAYMENT_STATUS_FAILED,
} as const;

const toMessage = (payment: Payment): paymentsV1.Payment => ({
  id: payment.id,
  orderId: payment.orderId,
  amountCents: payment.amountCents,
  currency: payment.currency,
  status: STATUS[payment.status],
  declineCode: payment.declineCode ?? '',
  paymentMethod: payment.paymentMethod,
  createdAt: payment.createdAt,
});

const toLookup = ({ lookup }: paymentsV1.GetPaymentRequest): PaymentLookup | undefined => {
  switch (lookup?.$case) {
    case 'paymentId':
      return { paymentId: lookup.paymentId };
    case 'orderId':
      return { orderId: lookup.orderId };
    default:
      return undefined;
  }
};

/**
 * Adapts gRPC requests to the use cases; no rules live here. GetPayment acts for the user of the access
 * token in the call metadata (UNAUTHENTICATED without a valid one).
 */
export function paymentsGrpcService(
  useCases: PaymentUseCases,
  tokens: AccessTokenVerifier,
  logger: Logger,
): GrpcService {
  return grpcService(paymentsV1.PaymentsServiceService, {
    getPayment: unary(
      forUser(tokens, async (request, caller) => ({
        payment: toMessage(await useCases.getPayment(toLookup(request), caller.userId)),
      })),
      logger,
    ),
  });
}
