/** One mail on its way out; `messageId` is the complete Message-ID header, angle brackets included. */
export interface OutgoingMail {
  messageId: string;
  /** The template that made it, for the record and for traces. */
  template: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The port the use cases send through; the SMTP adapter implements it. */
export interface Mailer {
  /** Resolves once the mail server accepted the mail; throws AppError('UNAVAILABLE') while it cannot. */
  send(mail: OutgoingMail): Promise<void>;
}
