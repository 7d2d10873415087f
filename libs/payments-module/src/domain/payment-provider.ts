/**
 * The port through which payments are charged: the outside card processor, seen from the domain.
 * A provider must be idempotent on `idempotencyKey`: charging again with a key it has seen returns the
 * first result and moves no money twice.
 */
export interface ChargeRequest {
  idempotencyKey: string;
  /** The order the charge pays for: processors keep such a reference with the charge, traces show it. */
  orderId: string;
  amountCents: number;
  currency: string;
  /** The processor's token for the card (e.g. `pm_card_visa`). */
  paymentMethod: string;
}

export type ChargeResult =
  | { outcome: 'succeeded'; providerReference: string }
  | { outcome: 'declined'; declineCode: string; message: string };

export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}
