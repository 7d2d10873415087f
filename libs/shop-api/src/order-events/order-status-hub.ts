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
  /**
   * Hears every change of one order until the returned function is called; `resynced` is called when
   * changes may have gone unheard (see `resync`).
   */
  subscribe(orderId: string, listener: OrderStatusListener, resynced?: () => void): () => void;
  publish(change: OrderStatusChange): void;
  /**
   * Tells every subscriber that changes may have gone unheard until now (the process's event listener
   * has just started hearing again, after its start or an outage), so that each reads its order again.
   */
  resync(): void;
  /** Open subscriptions, for one order or all: what a closed stream must give back. */
  subscriptions(orderId?: string): number;
}

interface Subscription {
  listener: OrderStatusListener;
  resynced: (() => void) | undefined;
}

export function createOrderStatusHub(onListenerError: (error: unknown) => void): OrderStatusHub {
  const listeners = new Map<string, Set<Subscription>>();
  const notifying = (notify: () => void) => {
    try {
      notify();
    } catch (error) {
      onListenerError(error);
    }
  };
  return {
    subscribe(orderId, listener, resynced) {
      // A new object each time, so that the same function subscribed twice is two subscriptions.
      const entry: Subscription = { listener, resynced };
      const forOrder = listeners.get(orderId) ?? new Set<Subscription>();
      forOrder.add(entry);
      listeners.set(orderId, forOrder);
      return () => {
        forOrder.delete(entry);
        if (forOrder.size === 0 && listeners.get(orderId) === forOrder) listeners.delete(orderId);
      };
    },
    publish(change) {
      for (const entry of [...(listeners.get(change.orderId) ?? [])]) notifying(() => entry.listener(change));
    },
    resync() {
      for (const forOrder of [...listeners.values()]) {
        for (const entry of [...forOrder]) if (entry.resynced) notifying(entry.resynced);
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
