import { Type, type Static } from 'typebox';
import { SkuSchema } from './products';

export const PAYMENT_METHODS = [
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_chargeDeclinedInsufficientFunds',
] as const;

/*
 * The bounds keep every amount exact end to end: quantities fit the contract's int32, and the largest
 * order total (100 × 10 000 × 10^9 cents) stays below 2^53, the largest integer JSON numbers carry
 * exactly in JavaScript.
 */
export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 10_000;
export const MAX_UNIT_PRICE_CENTS = 1_000_000_000;

/** A line of a placed order, at the price charged. */
export const OrderItemSchema = Type.Object({
  sku: Type.String({ description: 'Sku of the catalog product.' }),
  quantity: Type.Integer({ minimum: 1 }),
  unitPriceCents: Type.Integer({
    minimum: 0,
    description:
      'Price of one unit charged, from the catalog when the order was placed, in minor units (cents).',
  }),
});

/** A line of an order to place: the catalog prices it, the client only says what and how many. */
export const RequestedItemSchema = Type.Object(
  {
    sku: SkuSchema,
    quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }),
    unitPriceCents: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_UNIT_PRICE_CENTS,
        description:
          'The unit price (cents) the client showed, from `GET /v1/products`. Optional: when sent and the ' +
          'catalog price is another, the order is refused with 409 `PRICE_CHANGED` instead of charged.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreateOrderBodySchema = Type.Object(
  {
    items: Type.Array(RequestedItemSchema, {
      minItems: 1,
      maxItems: MAX_ITEMS,
      description: 'Catalog products to order, each sku at most once.',
    }),
    currency: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{3}$',
        description: 'ISO 4217 code; optional. When sent it must be the catalog’s currency (`EUR`).',
      }),
    ),
    paymentMethod: Type.Enum(PAYMENT_METHODS, {
      description: 'A test card of the simulated card network; the declining ones cancel the order.',
    }),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBodySchema>;

export const CreateOrderHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      description:
        'Makes retries safe: 1 to 255 visible ASCII characters, chosen by the client. A repeated request ' +
        'with the same key and body answers with the order placed first; another body is a 422.',
    }),
  ),
});

export const OrderIdParamsSchema = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Order id; anything that is not a UUID is a 400.' }),
});

export const ListOrdersQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Orders per page.' })),
  cursor: Type.Optional(
    Type.String({
      maxLength: 1024,
      description: 'The `nextCursor` of the previous page; empty or absent for the first.',
    }),
  ),
});

export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;
export const PAYMENT_OUTCOMES = ['SUCCEEDED', 'FAILED'] as const;

const order = (options: { description: string; headers?: Record<string, object> }) =>
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      status: Type.Enum(ORDER_STATUSES, {
        description: 'PENDING until the payment outcome is known, then CONFIRMED or CANCELLED for good.',
      }),
      items: Type.Array(OrderItemSchema),
      totalCents: Type.Integer({ description: 'Sum of quantity × unitPriceCents.' }),
      currency: Type.String(),
      paymentMethod: Type.String(),
      cancellationReason: Type.Optional(Type.String({ description: 'Why; only when CANCELLED.' })),
      payment: Type.Optional(
        Type.Object(
          {
            id: Type.String(),
            outcome: Type.Enum(PAYMENT_OUTCOMES),
            declineCode: Type.Optional(Type.String({ description: 'Why the card was declined.' })),
          },
          { description: 'Present once the payment outcome is known.' },
        ),
      ),
      createdAt: Type.String({ format: 'date-time' }),
      updatedAt: Type.String({ format: 'date-time' }),
    },
    options,
  );

export const OrderSchema = order({ description: 'An order.' });
export const AcceptedOrderSchema = order({
  description: 'The order, PENDING when just placed (or as it is now, for a replay).',
  // Response headers, for the OpenAPI document.
  headers: {
    Location: { type: 'string', description: 'Where to poll the order: `/v1/orders/{id}`.' },
    'Idempotent-Replayed': {
      type: 'string',
      enum: ['true'],
      description: 'Present when this replays the order that an earlier request with the same key placed.',
    },
  },
});
export type OrderJson = Static<typeof OrderSchema>;

export const OrderPageSchema = Type.Object(
  {
    items: Type.Array(OrderSchema, { description: 'Newest first.' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  { description: 'One page of the caller’s orders.' },
);
export type OrderPage = Static<typeof OrderPageSchema>;
