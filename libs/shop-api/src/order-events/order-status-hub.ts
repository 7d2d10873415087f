import type { OrderJson } from '../schemas/orders';

export type OrderStatus = OrderJson['status'];

/** What an order event says: this order now has this status. */
export interface OrderStatusChange {
  orderId: string;
  status: OrderStatus;
}

export type OrderStatusListener = (change: OrderStatusChange) => void;

/**
 * Fans the order events this process hears out to the open streams of each order, in process. A
 * listener runs in the caller's context (the event's processing span), so what it starts belongs to
 * the event's trace; it must not block, and a listener that throws does not keep the others from
 * hearing the change.
 */
export interface OrderStatusHub {
  /** Hears every change of one order until the returned function is called. */
  subscribe(orderId: string, listener: OrderStatusListener): () => void;
  publish(change: OrderStatusChange): void;
  /** Open subscriptions, for one order or all: what a closed stream must give back. */
  subscriptions(orderId?: string): number;
}

export function createOrderStatusHub(onListenerError: (error: unknown) => void): OrderStatusHub {
  const listeners = new Map<string, Set<OrderStatusListener>>();
  return {
    subscribe(orderId, listener) {
      // Wrapped, so that the same function subscribed twice is two subscriptions.
      const entry: OrderStatusListener = (change) => listener(change);
      const forOrder = listeners.get(orderId) ?? new Set<OrderStatusListener>();
      forOrder.add(entry);
      listeners.set(orderId, forOrder);
      return () => {
        forOrder.delete(entry);
        if (forOrder.size === 0 && listeners.get(orderId) === forOrder) listeners.delete(orderId);
      };
    },
    publish(change) {
      for (const listener of [...(listeners.get(change.orderId) ?? [])]) {
        try {
          listener(change);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscriptions(orderId) {
      if (orderId !== undefined) return listeners.get(orderId)?.size ?? 0;
      let total = 0;
      for (const forOrder of listeners.values()) total += forOrder.size;
      return total;
    },
  };
}
