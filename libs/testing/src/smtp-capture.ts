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
  receivedAt: Date;
}

export interface SmtpCapture {
  url: string;
  port: number;
  mails: CapturedMail[];
  /** Mails whose Message-ID header is this. */
  withMessageId(messageId: string): CapturedMail[];
  /** An SMTP outage: stops listening (connections are refused) and keeps the mails received so far. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
  stop(): Promise<void>;
}

/** A message as an SMTP server received it: the envelope and the message text. */
export interface ReceivedSmtpMessage {
  mailFrom: string;
  /** RCPT TO addresses. */
  rcptTo: string[];
  text: string;
}

export interface SmtpServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that accepts every message and hands it to `onMessage`. */
export function startSmtpServer(
  onMessage: (message: ReceivedSmtpMessage) => void,
  port = 0,
): Promise<SmtpServerHandle> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        onMessage({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
          text: Buffer.concat(chunks).toString('utf8'),
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
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** A real SMTP server for tests: accepts every message and keeps it, parsed, for assertions. */
export async function startSmtpCapture(port = 0): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const keep = ({ mailFrom, rcptTo, text }: ReceivedSmtpMessage) => {
    const mail = parseMail(text);
    mails.push({
      ...mail,
      from: mailFrom,
      to: rcptTo,
      subject: mail.headers.get('subject'),
      messageId: mail.headers.get('message-id'),
      raw: text.replace(/=\r?\n/g, ''),
      receivedAt: new Date(),
    });
  };
  let server: SmtpServerHandle | undefined = await startSmtpServer(keep, port);
  const { url, port: bound } = server;
  return {
    url,
    port: bound,
    mails,
    withMessageId: (messageId) => mails.filter((mail) => mail.messageId === messageId),
    async goDown() {
      await server?.stop();
      server = undefined;
    },
    async comeBack() {
      server ??= await startSmtpServer(keep, bound);
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}
