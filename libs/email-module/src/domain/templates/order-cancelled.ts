import { formatMoney, greetingName, shortOrderId } from './format';
import { escapeHtml, htmlDocument } from './html';
import type { Recipient, RenderedEmail } from './rendered-email';

export interface CancelledOrder {
  orderId: string;
  reason: string;
  totalCents: number;
  currency: string;
}

export function orderCancelledEmail(to: Recipient, order: CancelledOrder): RenderedEmail {
  const name = greetingName(to.name, to.email);
  const total = formatMoney(order.totalCents, order.currency);
  const reason = order.reason.trim() || 'No reason was given.';
  const subject = `Your order ${shortOrderId(order.orderId)} was cancelled`;
  return {
    template: 'order-cancelled',
    to: to.email,
    subject,
    text: [
      `Hello ${name},`,
      '',
      'we are sorry: your order was cancelled, and nothing was charged.',
      '',
      `Order: ${order.orderId}`,
      `Total: ${total}`,
      `Reason: ${reason}`,
      '',
      'The Shop',
      '',
    ].join('\n'),
    html: htmlDocument(subject, [
      `Hello ${escapeHtml(name)},`,
      'we are sorry: your order was cancelled, and nothing was charged.',
      `Order: <code>${escapeHtml(order.orderId)}</code><br>Total: ${escapeHtml(total)}<br>` +
        `Reason: ${escapeHtml(reason)}`,
      'The Shop',
    ]),
  };
}
