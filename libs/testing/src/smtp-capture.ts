import { SMTPServer } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime';

export interface CapturedMail extends ParsedMail {
  from: string;
  /** RCPT TO addresses. */
  to: string[];
  subject: string | undefined;
  messageId: string | undefined;
  /** The message as received, with quoted-printable soft line breaks joined so an id search finds it. */
  raw: string;
}

export interface SmtpCapture {
  url: string;
  port: number;
  mails: CapturedMail[];
  /** Mails whose Message-ID header is this. */
  withMessageId(messageId: string): CapturedMail[];
  stop(): Promise<void>;
}

/** A real SMTP server for tests: accepts every message and keeps it, parsed, for assertions. */
export function startSmtpCapture(port = 0): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const received = Buffer.concat(chunks).toString('utf8');
        const mail = parseMail(received);
        mails.push({
          ...mail,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          subject: mail.headers.get('subject'),
          messageId: mail.headers.get('message-id'),
          raw: received.replace(/=\r?\n/g, ''),
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `smtp://127.0.0.1:${bound}`,
        port: bound,
        mails,
        withMessageId: (messageId) => mails.filter((mail) => mail.messageId === messageId),
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
