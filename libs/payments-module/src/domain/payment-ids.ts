import { createHash } from 'node:crypto';

// Name-based UUIDs (RFC 9562 version 5) of payments live in a namespace of their own.
const PAYMENT_NAMESPACE = Buffer.from('6f1c2b7e4d3a4e5f9a8b7c6d5e4f3a2b', 'hex');

/**
 * The id of an order's payment, derived from the order id (a version-5 UUID): every delivery of the
 * order's OrderCreated yields the same id, which is also the charge's idempotency key, so however often
 * the event arrives the card processor sees one charge.
 */
export function paymentIdForOrder(orderId: string): string {
  const bytes = createHash('sha1').update(PAYMENT_NAMESPACE).update(orderId.toLowerCase()).digest();
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
