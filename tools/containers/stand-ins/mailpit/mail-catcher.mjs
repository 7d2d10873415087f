// The mail catcher stand-in: accepts every message over SMTP on 1025 (no TLS, no auth, as compose's
// Mailpit is configured for email-service) and lists what it caught on 8025 in the shape of Mailpit's
// GET /api/v1/messages (ID, From, To, Subject, Created), newest first, up to MP_MAX_MESSAGES.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

const max = Number(process.env.MP_MAX_MESSAGES ?? 500);
const messages = [];

/** The value of a header of the message's head (unfolded), or ''. */
function header(head, name) {
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(head);
  return match ? match[1].replace(/\r\n[ \t]+/g, ' ') : '';
}
const address = (text) => /<([^>]+)>/.exec(text)?.[1] ?? text.trim();

net
  .createServer((socket) => {
    let buffer = '';
    let data = false;
    let envelope = { from: '', to: [] };
    const reply = (line) => socket.write(`${line}\r\n`);
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    reply('220 mail-catcher ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (;;) {
        if (data) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const raw = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          data = false;
          const head = raw.slice(0, raw.indexOf('\r\n\r\n') >>> 0);
          messages.unshift({
            ID: randomUUID(),
            From: { Address: address(header(head, 'From')) || envelope.from },
            To: envelope.to.map((to) => ({ Address: to })),
            Subject: header(head, 'Subject'),
            Created: new Date().toISOString(),
            Size: Buffer.byteLength(raw),
          });
          messages.length = Math.min(messages.length, max);
          envelope = { from: '', to: [] };
          reply('250 OK: queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 mail-catcher');
        else if (verb === 'MAIL')
          ((envelope.from = address(line.slice(line.indexOf(':') + 1))), reply('250 OK'));
        else if (verb === 'RCPT')
          (envelope.to.push(address(line.slice(line.indexOf(':') + 1))), reply('250 OK'));
        else if (verb === 'DATA') ((data = true), reply('354 End data with <CR><LF>.<CR><LF>'));
        else if (verb === 'RSET') ((envelope = { from: '', to: [] }), reply('250 OK'));
        else if (verb === 'NOOP') reply('250 OK');
        else if (verb === 'QUIT') (reply('221 Bye'), socket.end());
        else reply('502 Command not implemented');
      }
    });
  })
  .listen(1025, '0.0.0.0');

http
  .createServer((request, response) => {
    if (request.url?.startsWith('/api/v1/messages') && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ total: messages.length, messages }));
    } else if (request.url === '/readyz') response.writeHead(200).end('ok');
    else response.writeHead(404).end();
  })
  .listen(8025, '0.0.0.0', () => console.log('mail catcher: SMTP on 1025, API on 8025'));
