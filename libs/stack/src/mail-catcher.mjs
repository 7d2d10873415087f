// The native stack's mail catcher: MailDev (SMTP in, a web UI to read what arrived) through its
// programmatic API, in a process that also stops when its lifeline closes (LIFELINE_FD, see lifeline.ts),
// so that it cannot outlive the stack that started it. MailDev's own CLI knows only signals.
// Plain JavaScript: the stack runs it with `node` alone, whatever loader the stack itself runs under.
//
//   LIFELINE_FD=3 node mail-catcher.mjs SMTP_PORT WEB_PORT
//
// Prints `ready` once both SMTP and the web UI listen; exits 1 with the reason if either cannot.
import { rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { setTimeout } from 'node:timers';
import MailDev from 'maildev';
import webUi from 'maildev/lib/web.js';

const [smtp, web] = process.argv.slice(2).map(Number);
if (!Number.isInteger(smtp) || !Number.isInteger(web)) {
  process.stderr.write('usage: node mail-catcher.mjs SMTP_PORT WEB_PORT\n');
  process.exit(2);
}

// Its output is not read once the stack is gone; that must not end it before it has stopped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (!['EPIPE', 'ECONNRESET', 'EIO'].includes(error.code)) throw error;
  });
}

const maildev = new MailDev({ smtp, web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
// MailDev stops on SIGTERM and SIGINT by itself but leaves its mails on disk: the stop below replaces it.
process.removeAllListeners('SIGTERM').removeAllListeners('SIGINT');
// MailDev starts its web UI without listening for errors: a port taken would end the process unexplained.
const webListening = new Promise((resolve, reject) => {
  if (webUi.server.listening) resolve();
  webUi.server.once('listening', resolve).on('error', reject);
});
try {
  await Promise.all([maildev.listen(), webListening]);
} catch (error) {
  process.stderr.write(`mail catcher: cannot listen: ${error.message}\n`);
  process.exit(1);
}
process.stdout.write('ready\n');

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  // Open web UI connections must not hold the exit for long.
  setTimeout(() => process.exit(0), 2_000).unref();
  maildev.close(() => {
    // The mails it kept on disk are of no use once no UI can show them.
    rmSync(maildev.mailDir, { recursive: true, force: true });
    process.exit(0);
  });
}

process.once('SIGTERM', stop).once('SIGINT', stop);
const fd = process.env.LIFELINE_FD;
if (fd !== undefined && fd !== '') {
  const lifeline = new Socket({ fd: Number(fd), readable: true, writable: false });
  lifeline.on('end', stop).on('close', stop).on('error', stop).resume();
}
