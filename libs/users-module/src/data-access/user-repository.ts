import type { Queryable } from '@shop/db';
import type { UserRecord, UserRepository } from '../domain/user';

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
}

const COLUMNS = 'id, email, name, password_hash, created_at';

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  name: row.name,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

/** Users in Postgres, through the pool or a unit of work's transaction (`db`). */
export function createUserRepository(db: Queryable): UserRepository {
  return {
    /**
     * The unique index on the email decides "already registered", also between two registrations at
     * once. ON CONFLICT reports it without raising: an error would abort the caller's transaction.
     */
    async insert(user) {
      const { rows } = await db.query<UserRow>(
        `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING
         RETURNING ${COLUMNS}`,
        [user.id, user.email, user.name, user.passwordHash],
      );
      return rows[0] ? { outcome: 'inserted', user: toRecord(rows[0]) } : { outcome: 'email-taken' };
    },

    async findByEmail(email) {
      const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
      return rows[0] && toRecord(rows[0]);
    },

    async findById(id) {
      const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
      return rows[0] && toRecord(rows[0]);
    },

    async replacePasswordHash(id, previous, next) {
      const { rowCount } = await db.query(
        'UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2',
        [id, previous, next],
      );
      return rowCount === 1;
    },
  };
}
