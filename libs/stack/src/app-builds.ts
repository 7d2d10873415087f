import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { APPS, MONOLITH, type Architecture, type StackApp } from './apps';

export const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** The fault flags file in the repository, every fault off until `npm run flags` sets one. */
export const DEFAULT_FLAGS_FILE = join(WORKSPACE_ROOT, 'deploy', 'flags', 'faults.flagd.json');

/**
 * The size of each of V8's two young-generation semi-spaces in an app, natively. V8 sizes them from the
 * memory it sees: on a machine with many GiB up to 32 MiB each, which an app's start-up fills with
 * garbage and then keeps resident (about 35-55 MiB per app idle, see docs/performance.md); in a
 * container it sees the container's memory limit and keeps them small. 2 MiB bounds them natively
 * too. The benchmarks start their stacks through here, so they get the same bound; a
 * `--max-semi-space-size` in NODE_OPTIONS wins (32 compares with figures taken before the bound).
 */
export const APP_SEMI_SPACE_MIB = 2;

/** The projects an architecture runs, as Nx names them; the storefront is served by whichever serves the API. */
const PROJECTS: Record<Architecture, readonly string[]> = {
  microservices: [...APPS, 'storefront'],
  monolith: [MONOLITH, 'storefront'],
};

/** An app's built bundle, as its Nx build writes it. */
export const appScript = (app: StackApp): string => join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js');

/**
 * How Node runs an app of the stack: telemetry preloaded, as in the images; source maps on request and
 * the semi-space bound above.
 */
export function appNodeArgs(
  app: StackApp,
  options: { env?: NodeJS.ProcessEnv | undefined; sourceMaps?: boolean | undefined },
): string[] {
  const nodeOptions = options.env?.['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'] ?? '';
  return [
    ...(options.sourceMaps ? ['--enable-source-maps'] : []),
    ...(nodeOptions.includes('--max-semi-space-size') ? [] : [`--max-semi-space-size=${APP_SEMI_SPACE_MIB}`]),
    '--import',
    join(WORKSPACE_ROOT, 'dist', 'apps', app, 'telemetry.js'),
  ];
}

/**
 * Builds the apps of an architecture (cached by Nx), every microservice by default, and the storefront
 * they serve, echoing Nx's output to `echo` when given.
 */
export function buildApps(echo?: NodeJS.WritableStream, architecture: Architecture = 'microservices'): void {
  execFileSync(
    join(WORKSPACE_ROOT, 'node_modules/.bin/nx'),
    ['run-many', '-t', 'build', '-p', ...PROJECTS[architecture], '--outputStyle=stream'],
    {
      cwd: WORKSPACE_ROOT,
      stdio: ['ignore', echo ? 'inherit' : 'pipe', 'inherit'],
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
    },
  );
}
