/**
 * Starts the minimal chain next to a running stack: its service and its front, each a Node process of
 * its own like the shop's apps, with the stack's certificates (the gateway's for the front, the users
 * service's for the service), the stack's token key and the users service's database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WORKSPACE_ROOT, type Stack } from '@shop/stack';
import { serviceConnection } from '../kit/bench-stack';

/** The stack runs its apps with 2 MiB semi-spaces; the minimal chain gets the same heap settings. */
const NODE_ARGS = ['--max-semi-space-size=2'];

/**
 * Bundles a minimal process as the apps are bundled (esbuild, CommonJS, packages left to node_modules,
 * @shop/contracts resolved through the workspace's paths), so that it runs on plain Node like them:
 * no TypeScript loader in the process.
 */
function bundle(name: string): string {
  const outfile = join(WORKSPACE_ROOT, 'tmp', 'bench', 'minimal-chain', name.replace(/\.ts$/, '.cjs'));
  buildSync({
    entryPoints: [join(WORKSPACE_ROOT, 'benchmarks', 'minimal-chain', name)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    packages: 'external',
    tsconfig: join(WORKSPACE_ROOT, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
  return outfile;
}

export interface Child {
  child: ChildProcess;
  /** The first line it printed: its address. */
  firstLine: string;
}

/** A Node process running `args`, once it printed its first line (a crash before that rejects). */
export async function startChild(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Child> {
  const child = spawn(process.execPath, [...args], {
    cwd: WORKSPACE_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    // A session of its own, as the stack gives each app: Linux's autogroup scheduling shares the CPU
    // between sessions first, so a process left in this one (with the load generator) would get a
    // smaller share of a busy machine than the apps it is compared with.
    detached: true,
  });
  // Detached, it would outlive a benchmark that crashed: it goes when this process goes.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${args.at(-1)} exited with ${code} before it was ready`)));
  });
  return { child, firstLine };
}

/** Ends a child with SIGTERM and waits for its exit (a CPU profile is written then). */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The JWT public key the stack's gateway verifies tokens with: the stack keeps its key pair to itself,
 * so it is read from the gateway's environment (Linux's /proc, as the CPU accounting is).
 */
function stackJwtPublicKey(stack: Stack): string {
  const gateway = stack.processes.find((app) => app.label.startsWith('gateway'))?.pid();
  if (gateway === undefined) throw new Error('the stack has no gateway running');
  const entry = readFileSync(`/proc/${gateway}/environ`, 'utf8')
    .split('\0')
    .find((line) => line.startsWith('JWT_PUBLIC_KEY='));
  if (!entry) throw new Error('the gateway has no JWT_PUBLIC_KEY');
  return entry.slice('JWT_PUBLIC_KEY='.length);
}

export interface MinimalChain {
  url: string;
  pids: { front: number; service: number };
  stop(): Promise<void>;
}

/** `nodeOptions` (a CPU profile, say) apply to both processes, as they do to the stack's apps. */
export async function startMinimalChain(stack: Stack, nodeOptions = ''): Promise<MinimalChain> {
  const database = serviceConnection(stack, 'users-service');
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: nodeOptions,
    MINIMAL_JWT_PUBLIC_KEY: stackJwtPublicKey(stack),
  };
  const args = (name: string) => [...NODE_ARGS, bundle(name)];
  const service = await startChild(args('service.ts'), {
    ...common,
    MINIMAL_TLS_DIR: join(stack.certsDir, 'users-service'),
    PGHOST: database.host,
    PGPORT: String(database.port),
    PGUSER: database.user,
    PGPASSWORD: database.password ?? '',
    PGDATABASE: database.database,
  });
  let front: Child;
  try {
    front = await startChild(args('front.ts'), {
      ...common,
      MINIMAL_TLS_DIR: join(stack.certsDir, 'gateway'),
      MINIMAL_SERVICE_ADDRESS: `127.0.0.1:${service.firstLine.trim()}`,
    });
  } catch (error) {
    await stopChild(service.child);
    throw error;
  }
  return {
    url: front.firstLine.trim(),
    pids: { front: front.child.pid ?? -1, service: service.child.pid ?? -1 },
    async stop() {
      await stopChild(front.child);
      await stopChild(service.child);
    },
  };
}
