import type { KeysetPosition } from '@shop/domain-helpers';

export type EmailStatus = 'pending' | 'sent';

/** A mail the shop was asked to send, recorded before it goes out. */
export interface EmailRecord {
  id: string;
  /** The notification it answers: one mail per notification, however often it is asked for. */
  notificationId: string;
  recipient: string;
  subject: string;
  template: string;
  status: EmailStatus;
  createdAt: Date;
  sentAt: Date | null;
}

export interface SentEmail extends EmailRecord {
  status: 'sent';
  sentAt: Date;
}

/** The port the use cases keep mails through; the Postgres adapter implements it. */
export interface EmailRepository {
  /**
   * Records the mail a notification asks for, unless that notification already has one; either way
   * resolves with the notification's record, whose status says whether the mail still has to go out.
   */
  recordPending(
    email: Pick<EmailRecord, 'id' | 'notificationId' | 'recipient' | 'subject' | 'template'>,
  ): Promise<EmailRecord>;
  markSent(notificationId: string): Promise<void>;
  /** Sent emails, newest first by (sentAt, id), maybe to one recipient; `limit` of them after `after`. */
  listSent(query: { recipient?: string; after?: KeysetPosition; limit: number }): Promise<SentEmail[]>;
}
