import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime';

export interface ReceivedMail extends ParsedMail {
  /** RCPT TO addresses. */
  recipients: string[];
  subject: string | undefined;
  messageId: string | undefined;
  raw: string;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Mails whose Message-ID header is this. */
  withMessageId(messageId: string): ReceivedMail[];
  stop(): Promise<void>;
}

/** A real SMTP server on localhost that accepts any mail and keeps it, parsed, for the test to look at. */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = parseMail(raw);
        received.push({
          ...mail,
          recipients: session.envelope.rcptTo.map((to) => to.address),
          subject: mail.headers.get('subject'),
          messageId: mail.headers.get('message-id'),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    withMessageId: (messageId) => received.filter((mail) => mail.messageId === messageId),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on now, to point the service at a mail server that is not there yet. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
