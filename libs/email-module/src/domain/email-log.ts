import { decodeCursor, limitProblem, pageOf, pageSize } from '@shop/domain-helpers';
import { invalidArgument } from '@shop/errors';
import type { EmailRepository, SentEmail } from './email';

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
      const problem = limitProblem(query.limit);
      if (problem) throw invalidArgument('limit must not be negative', [problem]);
      const size = pageSize(query.limit, { defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE });
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const recipient = query.recipient.trim().toLowerCase();
      const rows = await deps.emails.listSent({
        ...(recipient ? { recipient } : {}),
        ...(after ? { after } : {}),
        limit: size + 1,
      });
      const page = pageOf(rows, size, (email) => ({ at: email.sentAt, id: email.id }));
      return { emails: page.items, nextCursor: page.nextCursor ?? '' };
    },
  };
}

export type EmailLog = ReturnType<typeof createEmailLog>;
