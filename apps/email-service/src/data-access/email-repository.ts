import type { Pool } from '@shop/db';

export type EmailStatus = 'pending' | 'sent';

export interface EmailRecord {
  id: string;
  eventId: string;
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

/** Where a page of sent emails continues: strictly after this (sent_at, id) in newest-first order. */
export interface PagePosition {
  sentAt: Date;
  id: string;
}

interface EmailRow {
  id: string;
  event_id: string;
  recipient: string;
  subject: string;
  template: string;
  status: EmailStatus;
  created_at: Date;
  sent_at: Date | null;
}

const COLUMNS = 'id, event_id, recipient, subject, template, status, created_at, sent_at';

const toRecord = (row: EmailRow): EmailRecord => ({
  id: row.id,
  eventId: row.event_id,
  recipient: row.recipient,
  subject: row.subject,
  template: row.template,
  status: row.status,
  createdAt: row.created_at,
  sentAt: row.sent_at,
});

export function createEmailRepository(pool: Pool) {
  return {
    /**
     * Records the mail an event asks for, unless that event already has one; either way returns the
     * event's record, whose status says whether the mail still has to go out.
     */
    async recordPending(email: Pick<EmailRecord, 'id' | 'eventId' | 'recipient' | 'subject' | 'template'>) {
      const inserted = await pool.query<EmailRow>(
        `INSERT INTO emails (id, event_id, recipient, subject, template) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [email.id, email.eventId, email.recipient, email.subject, email.template],
      );
      // A separate statement on conflict: it sees the other row even when its insert committed just now.
      const { rows } =
        inserted.rows.length > 0
          ? inserted
          : await pool.query<EmailRow>(`SELECT ${COLUMNS} FROM emails WHERE event_id = $1`, [email.eventId]);
      return toRecord(rows[0] as EmailRow);
    },

    async markSent(eventId: string): Promise<void> {
      await pool.query(
        "UPDATE emails SET status = 'sent', sent_at = now() WHERE event_id = $1 AND status = 'pending'",
        [eventId],
      );
    },

    /** Sent emails, newest first, optionally to one recipient; `limit` rows after `after`. */
    async listSent(query: { recipient?: string; after?: PagePosition; limit: number }): Promise<SentEmail[]> {
      const conditions = ["status = 'sent'"];
      const params: unknown[] = [];
      if (query.recipient) {
        params.push(query.recipient);
        conditions.push(`recipient = $${params.length}`);
      }
      if (query.after) {
        params.push(query.after.sentAt, query.after.id);
        conditions.push(`(sent_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      }
      params.push(query.limit);
      const { rows } = await pool.query<EmailRow>(
        `SELECT ${COLUMNS} FROM emails WHERE ${conditions.join(' AND ')}
         ORDER BY sent_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toRecord) as SentEmail[];
    },
  };
}

export type EmailRepository = ReturnType<typeof createEmailRepository>;
