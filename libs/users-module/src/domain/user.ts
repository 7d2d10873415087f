/** A user as the module shows it: never with the password hash. */
export interface User {
  id: string;
  /** Normalised: trimmed and lower case. */
  email: string;
  name: string;
  createdAt: Date;
}

/** A user as stored, with the hash of the password (PHC string). Stays inside the module. */
export interface UserRecord extends User {
  passwordHash: string;
}

/**
 * What recording a new user came to. An email already registered is an outcome the use case turns into
 * its own error, not a storage failure: the adapter says so however its store detects it.
 */
export type UserInsertion = { outcome: 'inserted'; user: UserRecord } | { outcome: 'email-taken' };

/** The port the use cases keep users through; the Postgres adapter implements it. */
export interface UserRepository {
  /** Inside a unit of work, so that the user and its UserRegistered event commit together. */
  insert(user: Omit<UserRecord, 'createdAt'>): Promise<UserInsertion>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  /**
   * Replaces a password hash by a stronger one of the same password, only if it is still `previous`:
   * a password changed meanwhile is not overwritten. Resolves with whether it was replaced.
   */
  replacePasswordHash(id: string, previous: string, next: string): Promise<boolean>;
}

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresInSeconds: number;
}

/** The port that signs a user's access tokens; the module composes one from `AccessTokenSettings`. */
export interface AccessTokenIssuer {
  issue(user: Pick<User, 'id' | 'email'>): AccessToken;
}
