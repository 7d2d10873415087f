import { invalidArgument, type ErrorDetail } from '@shop/errors';

export interface Registration {
  email: string;
  name: string;
  password: string;
}

// Deliberately simple: one @, no spaces, a dot in the domain. Real proof of an address is a mail that
// arrives, which the welcome mail gives.
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
// Letters of any script with the marks, spaces, apostrophes, hyphens and dots that names use. Markup and
// statement punctuation (<, >, ;, quotes, parentheses) are refused: no name needs them, and mails and
// pages that show names are safer for it.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Checks a registration and returns it normalised, or throws INVALID_ARGUMENT naming every bad field. */
export function validateRegistration(input: Registration): Registration {
  const email = normalizeEmail(input.email);
  const name = input.name.trim().replace(/\s+/g, ' ');
  const problems: ErrorDetail[] = [];
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL.test(email)) {
    problems.push({ field: 'email', message: 'must be a valid email address' });
  }
  if (name.length === 0 || name.length > NAME_MAX_LENGTH) {
    problems.push({ field: 'name', message: `must be 1 to ${NAME_MAX_LENGTH} characters` });
  } else if (!NAME.test(name)) {
    problems.push({
      field: 'name',
      message: 'may contain only letters, spaces, apostrophes, hyphens and dots',
    });
  }
  if (input.password.length < PASSWORD_MIN_LENGTH || input.password.length > PASSWORD_MAX_LENGTH) {
    problems.push({
      field: 'password',
      message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
    });
  }
  if (problems.length > 0) throw invalidArgument('The registration is not valid', problems);
  return { email, name, password: input.password };
}
