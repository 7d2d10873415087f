import { greetingName } from './format';
import { escapeHtml, htmlDocument } from './html';
import type { Recipient, RenderedEmail } from './rendered-email';

export function welcomeEmail(user: Recipient): RenderedEmail {
  const name = greetingName(user.name, user.email);
  const subject = `Welcome to the shop, ${name}`;
  return {
    template: 'welcome',
    to: user.email,
    subject,
    text: [
      `Hello ${name},`,
      '',
      `welcome to the shop! Your account ${user.email} is ready: sign in and place your first order.`,
      '',
      'The Shop',
      '',
    ].join('\n'),
    html: htmlDocument(subject, [
      `Hello ${escapeHtml(name)},`,
      `welcome to the shop! Your account <strong>${escapeHtml(user.email)}</strong> is ready: ` +
        'sign in and place your first order.',
      'The Shop',
    ]),
  };
}
