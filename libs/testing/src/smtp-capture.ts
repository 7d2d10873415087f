import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  messageId: string | undefined;
  /** The whole message with quoted-printable soft line breaks joined, for `toContain` checks. */
  raw: string;
}

export interface SmtpCapture {
  url: string;
  port: number;
  mails: CapturedMail[];
  stop(): Promise<void>;
}

function header(raw: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** A real SMTP server for tests: accepts every message and keeps it for assertions. */
export function startSmtpCapture(port = 0): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
          .toString('utf8')
          .replace(/=\r?\n/g, '');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          subject: header(raw, 'Subject') ?? '',
          messageId: header(raw, 'Message-ID'),
          raw,
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `smtp://127.0.0.1:${bound}`,
        port: bound,
        mails,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
