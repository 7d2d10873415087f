import { SpanStatusCode } from '@opentelemetry/api';
import { inSpan } from '@shop/telemetry';
import type { PaymentProvider } from '../domain/payment-provider';

/**
 * The provider in a `payment-provider charge` span of its own, with the outcome. A decline is a
 * business outcome, not a fault, but it is what a person looks for in a trace: its span is an ERROR.
 */
export function tracedPaymentProvider(provider: PaymentProvider): PaymentProvider {
  return {
    charge: (request) =>
      inSpan(
        'payment-provider charge',
        { 'app.order.id': request.orderId, 'app.payment.id': request.idempotencyKey },
        async (span) => {
          const result = await provider.charge(request);
          span.setAttribute('app.payment.outcome', result.outcome);
          if (result.outcome === 'declined') {
            span.setAttribute('app.payment.decline_code', result.declineCode);
            span.setStatus({ code: SpanStatusCode.ERROR, message: `card declined: ${result.declineCode}` });
          }
          return result;
        },
      ),
  };
}
