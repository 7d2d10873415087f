import { api } from './api';
import { session } from './storage';

/** Logs in and keeps the session (the token and who it is for) until it expires or the visitor logs out. */
export async function logIn(email: string, password: string): Promise<void> {
  const token = await api.logIn({ email, password });
  const user = await api.me(token.accessToken);
  session.set({
    token: token.accessToken,
    name: user.name,
    email: user.email,
    expiresAt: Date.now() + token.expiresIn * 1000,
  });
}

/** Where to go after logging in: the page that asked for it (a local path only), else the catalog. */
export function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
