import { formatMoney, greetingName, shortOrderId } from './format';
import { escapeHtml, htmlDocument } from './html';
import type { Recipient, RenderedEmail } from './rendered-email';

export interface ConfirmedOrder {
  orderId: string;
  totalCents: number;
  currency: string;
}

export function orderConfirmedEmail(to: Recipient, order: ConfirmedOrder): RenderedEmail {
  const name = greetingName(to.name, to.email);
  const total = formatMoney(order.totalCents, order.currency);
  const subject = `Your order ${shortOrderId(order.orderId)} is confirmed`;
  return {
    template: 'order-confirmed',
    to: to.email,
    subject,
    text: [
      `Hello ${name},`,
      '',
      'thank you for your order. We received your payment and your order is confirmed.',
      '',
      `Order: ${order.orderId}`,
      `Total: ${total}`,
      '',
      'The Shop',
      '',
    ].join('\n'),
    html: htmlDocument(subject, [
      `Hello ${escapeHtml(name)},`,
      'thank you for your order. We received your payment and your order is confirmed.',
      `Order: <code>${escapeHtml(order.orderId)}</code><br>Total: <strong>${escapeHtml(total)}</strong>`,
      'The Shop',
    ]),
  };
}
