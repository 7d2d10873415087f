import { formatMoney, greetingName, shortOrderId } from './format';
import { escapeHtml } from './html';
import { orderCancelledEmail } from './order-cancelled';
import { welcomeEmail } from './welcome';

describe('mail templates', () => {
  it.each([
    [2500, 'EUR', 'EUR 25.00'],
    [123450, 'USD', 'USD 1,234.50'],
    [5, 'EUR', 'EUR 0.05'],
    [2500, 'JPY', 'JPY 2,500'],
  ])('shows %i minor units of %s as %s', (minorUnits, currency, shown) => {
    expect(formatMoney(minorUnits, currency)).toBe(shown);
  });

  it('escapes every character that could start markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('keeps line breaks in a name out of the subject, and greets by address when there is no name', () => {
    expect(welcomeEmail({ email: 'a@example.com', name: 'Ada\r\nBcc: x@evil.example' }).subject).toBe(
      'Welcome to the shop, Ada Bcc: x@evil.example',
    );
    expect(greetingName('  ', 'a@example.com')).toBe('a@example.com');
  });

  it('escapes the name and the reason in the HTML part only', () => {
    const mail = orderCancelledEmail(
      { email: 'a@example.com', name: '<i>Ada</i>' },
      {
        orderId: '0f8fad5b-d9cb-469f-a165-70867728950e',
        reason: '<b>declined</b>',
        totalCents: 100,
        currency: 'EUR',
      },
    );
    expect(mail.subject).toBe(`Your order ${shortOrderId('0f8fad5b-d9cb')} was cancelled`);
    expect(mail.text).toContain('Hello <i>Ada</i>,');
    expect(mail.text).toContain('Reason: <b>declined</b>');
    expect(mail.html).toContain('Hello &lt;i&gt;Ada&lt;/i&gt;,');
    expect(mail.html).toContain('Reason: &lt;b&gt;declined&lt;/b&gt;');
  });
});
