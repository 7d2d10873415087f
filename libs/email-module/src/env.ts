import { z } from '@shop/config';

// `Name <address>` or a bare address; the domain of the address also names the Message-IDs.
const MAILBOX = /^(?:[^<>]*<)?[^\s@<>]+@([^\s@<>]+\.[^\s@<>]+)>?$/;

/** The domain of a From mailbox, e.g. `shop.example` for `"Shop" <no-reply@shop.example>`. */
export function mailboxDomain(mailbox: string): string {
  const domain = MAILBOX.exec(mailbox.trim())?.[1];
  if (!domain) throw new Error(`not a mailbox: ${mailbox}`);
  return domain;
}

/** The mail server and sender of the module, the same in every app that runs it. */
export const smtpEnv = {
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
    .describe(
      'Mail server to send through, e.g. smtp://127.0.0.1:1025 (credentials as smtp://user:pass@host:port).',
    ),
  MAIL_FROM: z
    .string()
    .default('"Shop" <no-reply@shop.example>')
    .refine((value) => MAILBOX.test(value.trim()), 'must be an address or "Name" <address>')
    .describe('From of every mail; its domain also names the Message-IDs.'),
};
