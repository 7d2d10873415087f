// A stand-in app for supervise.spec.ts: listens on PORT, stops on SIGTERM (exit 0), and with CRASH_AFTER_MS
// says "boom" and exits 3 that long after it started.
import { createServer } from 'node:net';
import { setTimeout } from 'node:timers';

const server = createServer((socket) => socket.end(`${process.pid}\n`));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`listening, pid ${process.pid}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
if (process.env.CRASH_AFTER_MS) {
  setTimeout(() => {
    console.error('boom');
    process.exit(3);
  }, Number(process.env.CRASH_AFTER_MS));
}
