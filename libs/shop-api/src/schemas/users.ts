import { Type, type Static } from 'typebox';

/**
 * Bounds the gateway can check without knowing the rules; the users service owns the rest (what makes
 * an email or a name valid) and answers 400 with the same error shape.
 */
export const RegisterBodySchema = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254, description: 'Login email; unique, any case.' }),
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Display name.' }),
    password: Type.String({ minLength: 8, maxLength: 128, description: 'Only its hash is stored.' }),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBodySchema>;

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A registered user. Never carries the password.' },
);
export type UserJson = Static<typeof UserSchema>;
