/** A mail ready to send: who it is for, what it says in plain text and in HTML, and which template made it. */
export interface RenderedEmail {
  template: TemplateName;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type TemplateName = 'welcome' | 'order-confirmed' | 'order-cancelled';

/** Who a mail is for: the address it goes to, and the name it greets (the address when empty). */
export interface Recipient {
  email: string;
  name: string;
}
