import { invalidArgument } from '@shop/errors';
import type { EmailRepository, SentEmail } from '../data-access/email-repository';
import { decodeCursor, encodeCursor } from './page-cursor';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface EmailQuery {
  /** Only emails to this address; empty means all. */
  recipient: string;
  /** 0 means the default; larger than the maximum is capped. */
  limit: number;
  /** Empty for the first page. */
  cursor: string;
}

export interface EmailPage {
  emails: SentEmail[];
  /** Empty on the last page. */
  nextCursor: string;
}

/** The record of what was sent, for people and tests to look at. */
export function createEmailLog(deps: { emails: EmailRepository }) {
  return {
    /** Sent emails, newest first, one page at a time. */
    async list(query: EmailQuery): Promise<EmailPage> {
      if (!Number.isInteger(query.limit) || query.limit < 0)
        throw invalidArgument('limit must not be negative', [
          { field: 'limit', message: 'must be 0 (the default) or more' },
        ]);
      const limit = Math.min(query.limit || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const recipient = query.recipient.trim().toLowerCase();
      // One more than a page tells whether another page follows, without counting.
      const rows = await deps.emails.listSent({
        ...(recipient ? { recipient } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      const emails = rows.slice(0, limit);
      const last = emails[emails.length - 1];
      return {
        emails,
        nextCursor: rows.length > limit && last ? encodeCursor({ sentAt: last.sentAt, id: last.id }) : '',
      };
    },
  };
}

export type EmailLog = ReturnType<typeof createEmailLog>;
