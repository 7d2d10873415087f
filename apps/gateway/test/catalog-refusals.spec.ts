import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_DETAILS_KEY, toAppError } from '@shop/grpc';
import { toErrorReply } from '../src/plugins/errors';
import { expectErrorShape } from './gateway';

/** A failed call as grpc-js hands it to the gateway: status, the server's message, the details trailer. */
function serviceError(code: status, message: string, details: { field: string; message: string }[]) {
  const metadata = new Metadata();
  metadata.set(ERROR_DETAILS_KEY, Buffer.from(JSON.stringify(details), 'utf8'));
  return Object.assign(new Error(`${code} ${status[code]}: ${message}`), {
    code,
    details: message,
    metadata,
  }) satisfies ServiceError;
}

describe('gateway: how the orders service’s refusals of an order reach the client', () => {
  it('answers a changed price (gRPC ABORTED) 409 PRICE_CHANGED, with the sku and its price as sent', () => {
    const message = 'The price changed: beans-huila now costs 12.90 EUR. Review the order and send it again.';
    const details = [
      { field: 'items[0].unitPriceCents', message: 'beans-huila costs 1290 cents now, not 1190' },
    ];
    const reply = toErrorReply(toAppError(serviceError(status.ABORTED, message, details)));
    expect(reply.status).toBe(409);
    const { error } = expectErrorShape(reply.body, 'PRICE_CHANGED');
    expect(error.message).toBe(message);
    expect(error.details).toEqual(details);
  });

  it('answers an unknown sku (gRPC INVALID_ARGUMENT) 400, naming the sku', () => {
    const message = 'Unknown sku: beans-kona is not in the catalog';
    const details = [{ field: 'items[0].sku', message: 'no product has sku beans-kona' }];
    const reply = toErrorReply(toAppError(serviceError(status.INVALID_ARGUMENT, message, details)));
    expect(reply.status).toBe(400);
    expect(expectErrorShape(reply.body, 'INVALID_ARGUMENT').error).toEqual({
      code: 'INVALID_ARGUMENT',
      message,
      details,
    });
  });

  it('answers an unknown product (gRPC NOT_FOUND) 404', () => {
    const reply = toErrorReply(toAppError(serviceError(status.NOT_FOUND, 'Product tea not found', [])));
    expect(reply.status).toBe(404);
    expect(expectErrorShape(reply.body, 'NOT_FOUND').error.message).toBe('Product tea not found');
  });
});
