import { paymentIdForOrder } from './payment-ids';

describe('payment ids', () => {
  const orderId = '3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

  it('derives the same version-5 UUID from an order id every time, whatever its case', () => {
    const paymentId = paymentIdForOrder(orderId);
    expect(paymentId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(paymentIdForOrder(orderId.toUpperCase())).toBe(paymentId);
    expect(paymentId).not.toBe(orderId);
  });

  it('gives different orders different payment ids', () => {
    expect(paymentIdForOrder(orderId)).not.toBe(paymentIdForOrder('3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e60'));
  });
});
