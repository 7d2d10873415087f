// @shop/contracts: the TypeScript side of the protobuf contracts in proto/.
// Everything under ./generated comes from `npm run proto`; this file only groups and indexes it.
import { descriptorSetBase64 } from './generated/descriptor-set';
import { OrderCancelled, OrderConfirmed, OrderCreated } from './generated/orders/v1/events';
import { PaymentFailed, PaymentSucceeded } from './generated/payments/v1/events';
import { UserRegistered } from './generated/users/v1/events';

// One namespace per proto file, so equally named symbols (DeepPartial, protobufPackage, ...) never clash.
export * as eventsV1 from './generated/events/v1/envelope';
export * as usersV1 from './generated/users/v1/users';
export * as userEvents from './generated/users/v1/events';
export * as ordersV1 from './generated/orders/v1/orders';
export * as catalogV1 from './generated/orders/v1/catalog';
export * as orderEvents from './generated/orders/v1/events';
export * as paymentsV1 from './generated/payments/v1/payments';
export * as paymentEvents from './generated/payments/v1/events';
export * as emailV1 from './generated/email/v1/email';

/** Codecs of every message that may travel as an Envelope payload. Add new event messages here. */
const eventCodecs = [
  UserRegistered,
  OrderCreated,
  OrderConfirmed,
  OrderCancelled,
  PaymentSucceeded,
  PaymentFailed,
] as const;

type EventCodec = (typeof eventCodecs)[number];

/** Fully-qualified protobuf name of an event message, as carried in `Envelope.type` (e.g. "orders.v1.OrderCreated"). */
export type EventTypeName = EventCodec['$type'];

/** Maps each event type name to its generated codec (`encode`, `decode`, `fromPartial`, ...). */
export type EventRegistry = { readonly [C in EventCodec as C['$type']]: C };

/** The decoded message for an event type name, e.g. `EventMessage<'orders.v1.OrderCreated'>`. */
export type EventMessage<T extends EventTypeName> = ReturnType<EventRegistry[T]['decode']>;

/** Event codecs keyed by the fully-qualified name the generated code declares (`$type`). */
export const eventRegistry: EventRegistry = Object.freeze(
  Object.fromEntries(eventCodecs.map((codec) => [codec.$type, codec])),
) as EventRegistry;

/** Every known event type name. */
export const eventTypeNames: readonly EventTypeName[] = Object.freeze(
  eventCodecs.map((codec) => codec.$type),
);

/** True when `type` names a known event message. */
export function isEventTypeName(type: string): type is EventTypeName {
  return Object.hasOwn(eventRegistry, type);
}

/** Thrown for an `Envelope.type` that no registered event message has. */
export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';

  constructor(readonly type: string) {
    super(`Unknown event type "${type}"; known types: ${eventTypeNames.join(', ')}`);
  }
}

/**
 * Decodes an Envelope payload with the codec its type names.
 * Throws UnknownEventTypeError for an unknown type, and an Error naming the type for bytes that do not decode.
 */
export function decodeEventPayload<T extends EventTypeName>(type: T, payload: Uint8Array): EventMessage<T>;
export function decodeEventPayload(type: string, payload: Uint8Array): EventMessage<EventTypeName>;
export function decodeEventPayload(type: string, payload: Uint8Array): EventMessage<EventTypeName> {
  if (!isEventTypeName(type)) throw new UnknownEventTypeError(type);
  try {
    return eventRegistry[type].decode(payload);
  } catch (error) {
    throw new Error(`Cannot decode payload of event type "${type}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Encodes an event message for `Envelope.payload` (a Buffer, like every `bytes` field here);
 * the type name keeps message and type in step.
 */
export function encodeEventPayload<T extends EventTypeName>(type: T, message: EventMessage<T>): Buffer {
  if (!isEventTypeName(type)) throw new UnknownEventTypeError(type);
  const codec = eventRegistry[type] as { encode(message: EventMessage<T>): { finish(): Uint8Array } };
  const bytes = codec.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The binary FileDescriptorSet of every contract (imports included), e.g. for gRPC server reflection. */
export function descriptorSet(): Buffer {
  return Buffer.from(descriptorSetBase64, 'base64');
}
