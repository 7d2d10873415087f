import type { ordersV1 } from '@shop/contracts';
import { invalidArgument } from '@shop/errors';
import type { OrderRequest, RequestedItem } from '@shop/orders-module';

/**
 * The order a CreateOrderRequest asks for, for the user the call acts for. Clients from before the catalog send their lines in the
 * deprecated `items`, with the price they expect (0 for none); they are read the same way, so a
 * client mid-upgrade is still priced by the catalog and never charged a price it did not show.
 */
export function toOrderRequest(userId: string, request: ordersV1.CreateOrderRequest): OrderRequest {
  const legacy = request.items;
  if (legacy.length > 0 && request.requestedItems.length > 0) {
    throw invalidArgument('Send the lines in requested_items only', [
      { field: 'items', message: 'is deprecated: leave it empty when requested_items is set' },
    ]);
  }
  const items: RequestedItem[] =
    legacy.length > 0
      ? legacy.map(({ sku, quantity, unitPriceCents }) => ({
          sku,
          quantity,
          expectedUnitPriceCents: unitPriceCents === 0 ? undefined : unitPriceCents,
        }))
      : request.requestedItems.map(({ sku, quantity, expectedUnitPriceCents }) => ({
          sku,
          quantity,
          expectedUnitPriceCents,
        }));
  return {
    userId,
    items,
    currency: request.currency,
    paymentMethod: request.paymentMethod,
    idempotencyKey: request.idempotencyKey,
  };
}
