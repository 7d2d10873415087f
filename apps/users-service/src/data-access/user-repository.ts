import type { Pool, PoolClient } from '@shop/db';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: Date;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
}

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  name: row.name,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

export function createUserRepository(pool: Pool) {
  return {
    /** Inside the caller's transaction, so the user and its UserRegistered event commit together. */
    async insert(client: PoolClient, user: Omit<UserRecord, 'createdAt'>): Promise<UserRecord> {
      const { rows } = await client.query<UserRow>(
        `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
         RETURNING id, email, name, password_hash, created_at`,
        [user.id, user.email, user.name, user.passwordHash],
      );
      return toRecord(rows[0] as UserRow);
    },

    async findByEmail(email: string): Promise<UserRecord | undefined> {
      const { rows } = await pool.query<UserRow>(
        'SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1',
        [email],
      );
      return rows[0] && toRecord(rows[0]);
    },

    /**
     * Replaces a password hash by a stronger one of the same password, only if it is still `previous`:
     * a password changed meanwhile is not overwritten. Returns whether it was replaced.
     */
    async replacePasswordHash(id: string, previous: string, next: string): Promise<boolean> {
      const { rowCount } = await pool.query(
        'UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2',
        [id, previous, next],
      );
      return rowCount === 1;
    },

    async findById(id: string): Promise<UserRecord | undefined> {
      const { rows } = await pool.query<UserRow>(
        'SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1',
        [id],
      );
      return rows[0] && toRecord(rows[0]);
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
