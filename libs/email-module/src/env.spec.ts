import { mailboxDomain } from './env';

describe('mailboxDomain', () => {
  it('names Message-IDs after the domain of the sender', () => {
    expect(mailboxDomain('"Shop" <no-reply@shop.example>')).toBe('shop.example');
    expect(mailboxDomain('orders@mail.shop.example')).toBe('mail.shop.example');
  });

  it('refuses what is not a mailbox', () => {
    expect(() => mailboxDomain('Shop')).toThrow(/not a mailbox/);
  });
});
