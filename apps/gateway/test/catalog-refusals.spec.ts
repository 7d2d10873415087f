import { status, type ServiceError } from '@grpc/grpc-js';
import { AppError, grpcStatusToErrorCode } from '@shop/errors';
import { statusDetailsMetadata, toAppError } from '@shop/grpc';
import { toErrorReply } from '@shop/shop-api';
import { expectErrorShape } from './gateway';

/** A failed call as grpc-js hands it to the gateway: status, the server's message, the details trailer. */
function serviceError(code: status, message: string, details: { field: string; message: string }[]) {
  const sent = new AppError(grpcStatusToErrorCode(code), message, { details });
  const metadata = statusDetailsMetadata(sent, code);
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
    const error = expectErrorShape(reply.body, 'PRICE_CHANGED');
    expect(error.detail).toBe(message);
    expect(error.errors).toEqual(details);
  });

  it('answers an unknown sku (gRPC INVALID_ARGUMENT) 400, naming the sku', () => {
    const message = 'Unknown sku: beans-kona is not in the catalog';
    const details = [{ field: 'items[0].sku', message: 'no product has sku beans-kona' }];
    const reply = toErrorReply(toAppError(serviceError(status.INVALID_ARGUMENT, message, details)));
    expect(reply.status).toBe(400);
    expect(expectErrorShape(reply.body, 'INVALID_ARGUMENT')).toMatchObject({
      status: 400,
      code: 'INVALID_ARGUMENT',
      detail: message,
      errors: details,
    });
  });

  it('answers an Idempotency-Key reused with another body (FAILED_PRECONDITION, ErrorInfo IDEMPOTENCY_KEY_REUSED) 422', () => {
    const message = 'Idempotency-Key was already used with a different request';
    const sent = new AppError('IDEMPOTENCY_KEY_REUSED', message);
    const wire = Object.assign(new Error(`9 FAILED_PRECONDITION: ${message}`), {
      code: status.FAILED_PRECONDITION,
      details: message,
      metadata: statusDetailsMetadata(sent, status.FAILED_PRECONDITION),
    }) satisfies ServiceError;
    const reply = toErrorReply(toAppError(wire));
    expect(reply.status).toBe(422);
    expect(expectErrorShape(reply.body, 'IDEMPOTENCY_KEY_REUSED')).toMatchObject({
      status: 422,
      detail: message,
    });
  });

  it('answers an unknown product (gRPC NOT_FOUND) 404', () => {
    const reply = toErrorReply(toAppError(serviceError(status.NOT_FOUND, 'Product tea not found', [])));
    expect(reply.status).toBe(404);
    expect(expectErrorShape(reply.body, 'NOT_FOUND').detail).toBe('Product tea not found');
  });
});
