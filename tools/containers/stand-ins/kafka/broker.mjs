// Entry point of the compose smoke check's Kafka stand-in (tagged as the compose file's Kafka image).
// Runs the project's test broker (librdkafka's mock cluster, libs/kafka-mock-broker) as one node that is
// reachable from other containers as the compose file promises:
//
// - PLAINTEXT (KAFKA_LISTENERS, :9092): forwarded to the mock's loopback listener, and advertised in
//   Metadata as KAFKA_ADVERTISED_LISTENERS says (kafka:9092; see advertise.c);
// - CONTROLLER (:9093): not Kafka's controller protocol but the topic job's way in. The mock implements
//   no CreateTopics, so this image's /opt/kafka/bin/kafka-topics.sh sends one line here (`list`,
//   `describe`, `create NAME PARTITIONS`) and this process creates the topic in the mock.
// - KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS as Kafka reads it. Everything else of Kafka's configuration
//   (log dirs, retention, heap) has no counterpart: the mock keeps its data in memory.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import net from 'node:net';

const env = process.env;
const listenerPort = (name, fallback) =>
  Number(new RegExp(`${name}://[^:,]*:(\\d+)`).exec(env.KAFKA_LISTENERS ?? '')?.[1] ?? fallback);
const plaintextPort = listenerPort('PLAINTEXT', 9092);
const controlPort = listenerPort('CONTROLLER', 9093);
const advertised =
  /PLAINTEXT:\/\/([^,]+)/.exec(env.KAFKA_ADVERTISED_LISTENERS ?? '')?.[1] ?? `kafka:${plaintextPort}`;

const broker = spawn(
  '/usr/local/bin/kafka-mock-broker',
  ['--initial-rebalance-delay', env.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS ?? '3000'],
  { env: { ...env, KAFKA_STANDIN_ADVERTISE: advertised }, stdio: ['pipe', 'pipe', 'inherit'] },
);
broker.on('exit', (code, signal) => {
  console.error(`kafka stand-in: the broker ended (${signal ?? code})`);
  process.exit(code || 1);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => broker.kill('SIGTERM'));

// The broker answers its stdin commands one line each, in order.
const answers = [];
const lines = createInterface({ input: broker.stdout });
let queue = Promise.resolve();
function command(line) {
  const answer = (queue = queue.then(
    () =>
      new Promise((resolve) => {
        answers.push(resolve);
        broker.stdin.write(`${line}\n`);
      }),
  ));
  return answer;
}

/** name → partitions, of the topics created here (the mock lists none of its own). */
const topics = new Map();

lines.on('line', (line) => {
  const bootstrap = /^bootstrap=([^:]+):(\d+)/.exec(line);
  if (bootstrap) return serve(bootstrap[1], Number(bootstrap[2]));
  answers.shift()?.(line);
});

function serve(host, port) {
  net
    .createServer((client) => {
      const upstream = net.connect(port, host);
      client.pipe(upstream).pipe(client);
      const close = () => (client.destroy(), upstream.destroy());
      client.on('error', close);
      upstream.on('error', close);
    })
    .listen(plaintextPort, '0.0.0.0', () =>
      console.log(`kafka stand-in: :${plaintextPort} → ${host}:${port}, advertised as ${advertised}`),
    );

  net
    .createServer((socket) => {
      createInterface({ input: socket }).once('line', async (line) => {
        const [verb, name, partitions] = line.trim().split(/\s+/);
        let reply;
        if (verb === 'list') reply = [...topics.keys()].join('\n');
        else if (verb === 'describe')
          reply = [...topics].map(([topic, count]) => `${topic} ${count}`).join('\n');
        else if (verb === 'create' && name && Number(partitions) > 0) {
          reply = await command(`topic-create ${name} ${Number(partitions)}`);
          if (reply.startsWith('ok')) {
            topics.set(name, Number(partitions));
            console.log(`kafka stand-in: created ${name} (${partitions} partitions)`);
          }
        } else reply = `error: unknown request ${line.trim()}`;
        socket.end(`${reply}\n`);
      });
      socket.on('error', () => socket.destroy());
    })
    .listen(controlPort, '0.0.0.0');
}
