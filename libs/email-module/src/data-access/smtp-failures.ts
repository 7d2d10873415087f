import { AppError, invalidArgument, unavailable } from '@shop/errors';

// Nodemailer's codes for "could not talk to the server" (its connection-level failures), plus the
// Node codes it passes through. The messaging lib knows the Node codes but not these.
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
  'ETLS',
  'EPROXY',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  // Credentials the server refuses are the service's configuration, not the mail: once they are
  // fixed, the waiting mails must still go out rather than sit in a dead-letter topic.
  'EAUTH',
  'ENOAUTH',
]);

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
}

/**
 * Translates a failed send into the error the consumer's retry policy understands. A mail server that is
 * down, slow or answering 4xx ("try again later") is UNAVAILABLE: retried, never dead-lettered. A 5xx
 * rejection of the envelope or message (an address the server will never accept) is the event's
 * fault, so INVALID_ARGUMENT, dead-lettered at once. Anything else passes through unchanged, and the
 * consumer retries it a few times before it gives up.
 */
export function toSendError(error: unknown): unknown {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return error;
  const { code, responseCode } = error as SmtpError;
  const message = error instanceof Error ? error.message : 'the send failed';
  if (typeof code === 'string' && CONNECTION_CODES.has(code))
    return unavailable(`The mail server is unavailable: ${message}`, error);
  if (typeof responseCode === 'number') {
    if (responseCode >= 400 && responseCode < 500)
      return unavailable(`The mail server deferred the mail: ${message}`, error);
    // 503 is a bad command sequence in this session, not a judgement of the mail.
    if (responseCode >= 500 && responseCode !== 503 && (code === 'EENVELOPE' || code === 'EMESSAGE'))
      return invalidArgument(`The mail server refused the mail: ${message}`, [
        { field: 'recipient', message: 'refused by the mail server' },
      ]);
  }
  return error;
}
