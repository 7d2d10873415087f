import type { Pool } from '@shop/db';
import type { EmailRecord, EmailRepository, EmailStatus, SentEmail } from '../domain/email';

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
  notificationId: row.event_id,
  recipient: row.recipient,
  subject: row.subject,
  template: row.template,
  status: row.status,
  createdAt: row.created_at,
  sentAt: row.sent_at,
});

/** Mails in Postgres; the notification id is kept as `event_id`, the event that asked for the mail. */
export function createEmailRepository(pool: Pool): EmailRepository {
  return {
    async recordPending(email) {
      const inserted = await pool.query<EmailRow>(
        `INSERT INTO emails (id, event_id, recipient, subject, template) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [email.id, email.notificationId, email.recipient, email.subject, email.template],
      );
      // A separate statement on conflict: it sees the other row even when its insert committed just now.
      const { rows } =
        inserted.rows.length > 0
          ? inserted
          : await pool.query<EmailRow>(`SELECT ${COLUMNS} FROM emails WHERE event_id = $1`, [
              email.notificationId,
            ]);
      return toRecord(rows[0] as EmailRow);
    },

    async markSent(notificationId) {
      await pool.query(
        "UPDATE emails SET status = 'sent', sent_at = now() WHERE event_id = $1 AND status = 'pending'",
        [notificationId],
      );
    },

    async listSent(query) {
      const conditions = ["status = 'sent'"];
      const params: unknown[] = [];
      if (query.recipient) {
        params.push(query.recipient);
        conditions.push(`recipient = $${params.length}`);
      }
      if (query.after) {
        params.push(query.after.at, query.after.id);
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
