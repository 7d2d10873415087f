import { eventsV1, orderEvents } from '@shop/contracts';
import {
  createKafka,
  listenerGroupPrefix,
  startBroadcastListener,
  topicName,
  type BroadcastListener,
  type ConsumedMessage,
} from '@shop/kafka';
import type { Logger } from '@shop/logger';
import type { OrderStatus, OrderStatusChange, OrderStatusHub } from '@shop/shop-api';
import { annotateActiveSpan } from '@shop/telemetry';
import type { GatewayConfig } from '../config';

// The status each order event leaves its order in; the envelope's aggregate id is the order id.
const STATUS_AFTER: Record<string, OrderStatus> = {
  [orderEvents.OrderCreated.$type]: 'PENDING',
  [orderEvents.OrderConfirmed.$type]: 'CONFIRMED',
  [orderEvents.OrderCancelled.$type]: 'CANCELLED',
};

/** The change an order event announces; undefined for a message that is not one (it is skipped). */
export function toOrderStatusChange(message: Pick<ConsumedMessage, 'value'>): OrderStatusChange | undefined {
  if (!message.value) return undefined;
  const envelope = eventsV1.Envelope.decode(message.value);
  const status = STATUS_AFTER[envelope.type];
  if (!status || !envelope.aggregateId) return undefined;
  return { orderId: envelope.aggregateId, status };
}

/**
 * Every gateway replica hears every order event (a consumer group of its own, from the latest offset)
 * and hands it to its hub, which pushes it to the streams open on this replica.
 */
export function listenToOrderEvents(
  config: GatewayConfig,
  hub: OrderStatusHub,
  logger: Logger,
): BroadcastListener {
  return startBroadcastListener({
    kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'gateway', logger }),
    groupPrefix: listenerGroupPrefix(config, 'gateway'),
    topics: [topicName(config, 'orderEvents')],
    logger,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    // Listening starts at the latest offset: the streams opened before then read their orders again.
    onListening: () => hub.resync(),
    handle(message) {
      const change = toOrderStatusChange(message);
      if (!change) return;
      annotateActiveSpan({ 'app.order.id': change.orderId });
      hub.publish(change);
    },
  });
}
