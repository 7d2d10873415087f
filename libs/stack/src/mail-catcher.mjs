// The native stack's mail catcher: an SMTP server that keeps what it is sent (the newest 500 messages,
// in memory) and a web UI to read them, in a process that also stops when its lifeline closes
// (LIFELINE_FD, see lifeline.ts), so that it cannot outlive the stack that started it. Small on purpose:
// the SMTP side is `smtp-server`, and messages are parsed (`mailparser`, loaded on first use) only when
// someone looks at them, so an idle stack pays for little more than a bare Node process.
// Plain JavaScript: the stack runs it with `node` alone, whatever runs the stack itself.
//
//   LIFELINE_FD=3 node mail-catcher.mjs SMTP_PORT WEB_PORT
//
// Web UI: `/` lists the mails, newest first; `/messages/N` shows one (its HTML part sandboxed, or its
// text); `/messages/N.eml` is the message as received; `/api/messages` is the list as JSON.
// Prints `ready` once both SMTP and the web UI listen; exits 1 with the reason if either cannot.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { Socket } from 'node:net';
import { setTimeout } from 'node:timers';
import { SMTPServer } from 'smtp-server';

const KEEP = 500;
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const [smtpPort, webPort] = process.argv.slice(2).map(Number);
if (!Number.isInteger(smtpPort) || !Number.isInteger(webPort)) {
  process.stderr.write('usage: node mail-catcher.mjs SMTP_PORT WEB_PORT\n');
  process.exit(2);
}

// Its output is not read once the stack is gone; that must not end it before it has stopped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (!['EPIPE', 'ECONNRESET', 'EIO'].includes(error.code)) throw error;
  });
}

/** @type {{ id: number, receivedAt: Date, envelope: { from: string, to: string[] }, raw: Buffer, parsed?: Promise<import('mailparser').ParsedMail> }[]} */
const messages = [];
let nextId = 1;

let parser;
function parse(message) {
  parser ??= import('mailparser').then((module) => module.simpleParser);
  message.parsed ??= parser.then((simpleParser) => simpleParser(message.raw));
  return message.parsed;
}

const smtp = new SMTPServer({
  // A development catcher: any client, any credentials, no TLS (as the shop's apps send locally).
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onAuth: (_auth, _session, done) => done(null, { user: 'anyone' }),
  size: MAX_MESSAGE_BYTES,
  logger: false,
  onData(stream, session, done) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      if (stream.sizeExceeded)
        return done(Object.assign(new Error('message too large'), { responseCode: 552 }));
      messages.unshift({
        id: nextId++,
        receivedAt: new Date(),
        envelope: {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        },
        raw: Buffer.concat(chunks),
      });
      messages.length = Math.min(messages.length, KEEP);
      done();
    });
  },
});
// A client that goes away mid-message is its problem, not the catcher's.
smtp.on('error', () => undefined);

const escape = (text) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

async function summary(message) {
  const mail = await parse(message);
  return {
    id: message.id,
    receivedAt: message.receivedAt.toISOString(),
    from: mail.from?.text ?? message.envelope.from,
    to: mail.to
      ? [mail.to]
          .flat()
          .map((address) => address.text)
          .join(', ')
      : message.envelope.to.join(', '),
    subject: mail.subject ?? '',
  };
}

const page = (title, body) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><style>` +
  'body{font:14px system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse;width:100%}' +
  'td,th{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd}a{color:#0b5cad}' +
  'iframe{width:100%;height:70vh;border:1px solid #ddd}pre{white-space:pre-wrap}' +
  `</style></head><body>${body}</body></html>`;

async function listPage() {
  const rows = await Promise.all(messages.map(summary));
  return page(
    'Mail catcher',
    `<h1>Mails received (${rows.length}${rows.length === KEEP ? `, the newest ${KEEP} kept` : ''})</h1>` +
      (rows.length === 0
        ? '<p>None yet. Refresh once the shop has sent some.</p>'
        : `<table><tr><th>received</th><th>from</th><th>to</th><th>subject</th></tr>${rows
            .map(
              (row) =>
                `<tr><td>${escape(row.receivedAt)}</td><td>${escape(row.from)}</td><td>${escape(row.to)}</td>` +
                `<td><a href="/messages/${row.id}">${escape(row.subject || '(no subject)')}</a></td></tr>`,
            )
            .join('')}</table>`),
  );
}

async function messagePage(message) {
  const mail = await parse(message);
  const about = await summary(message);
  // The HTML part in a sandbox without scripts: a mail is shown, never run.
  const content = mail.html
    ? `<iframe sandbox srcdoc="${escape(mail.html)}"></iframe>`
    : `<pre>${escape(mail.text)}</pre>`;
  return page(
    about.subject,
    `<p><a href="/">all mails</a> · <a href="/messages/${message.id}.eml">as received</a></p>` +
      `<h1>${escape(about.subject || '(no subject)')}</h1><table>` +
      `<tr><th>from</th><td>${escape(about.from)}</td></tr><tr><th>to</th><td>${escape(about.to)}</td></tr>` +
      `<tr><th>received</th><td>${escape(about.receivedAt)}</td></tr></table>${content}`,
  );
}

async function respond(request, response) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const send = (status, type, body) => response.writeHead(status, { 'content-type': type }).end(body);
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'GET only\n');
  if (path === '/') return send(200, 'text/html; charset=utf-8', await listPage());
  if (path === '/api/messages')
    return send(200, 'application/json', JSON.stringify(await Promise.all(messages.map(summary))));
  const match = /^\/messages\/(\d+)(\.eml)?$/.exec(path);
  const message = match && messages.find((entry) => entry.id === Number(match[1]));
  if (!message) return send(404, 'text/plain', 'no such mail (only the newest are kept)\n');
  if (match[2]) return send(200, 'message/rfc822', message.raw);
  return send(200, 'text/html; charset=utf-8', await messagePage(message));
}

const web = createServer((request, response) => {
  respond(request, response).catch((error) => {
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(`cannot show it: ${error.message}\n`);
  });
});

try {
  await Promise.all([
    new Promise((resolve, reject) => {
      smtp.server.once('error', reject);
      smtp.listen(smtpPort, '127.0.0.1', resolve);
    }),
    (web.listen(webPort, '127.0.0.1'), once(web, 'listening')),
  ]);
} catch (error) {
  process.stderr.write(`mail catcher: cannot listen: ${error.message}\n`);
  process.exit(1);
}
process.stdout.write('ready\n');

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  // Open web UI connections and SMTP sessions must not hold the exit for long.
  setTimeout(() => process.exit(0), 2_000).unref();
  web.closeAllConnections();
  web.close();
  smtp.close(() => process.exit(0));
}

process.once('SIGTERM', stop).once('SIGINT', stop);
const fd = process.env.LIFELINE_FD;
if (fd !== undefined && fd !== '') {
  const lifeline = new Socket({ fd: Number(fd), readable: true, writable: false });
  lifeline.on('end', stop).on('close', stop).on('error', stop).resume();
}
