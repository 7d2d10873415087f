// Bundles the native stack's launcher (src/cli.ts and the workspace libs it imports) into one plain
// JavaScript file, dist/libs/stack/cli.js, which `npm run stack` runs with `node` alone: a TypeScript
// loader at run time would cost the launcher tens of MiB and an esbuild service process of its own.
// Packages stay in node_modules (not bundled), as in the apps' builds. It takes a fraction of a second,
// so it runs before every start rather than keeping track of what changed.
//
//   node libs/stack/scripts/build-cli.mjs
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = join(root, 'dist', 'libs', 'stack');

/**
 * Each module keeps its own source folder as `__dirname`: the launcher and the libs it bundles find
 * files beside their sources (the workspace root, the mail catcher, the mock broker's native sources).
 */
const sourceDirname = {
  name: 'source-dirname',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes('__dirname')) return undefined;
      return { contents: `const __dirname = ${JSON.stringify(dirname(path))};\n${source}`, loader: 'ts' };
    });
  },
};

/**
 * The workspace's modules are marked free of side effects, so that esbuild leaves out the modules of a
 * barrel (`@shop/testing`, `@shop/db`, `@shop/grpc`, ...) whose exports the launcher does not use, and
 * with them their packages' requires: otherwise the launcher loads kafkajs, zod, pino, umzug, fast-jwt,
 * smtp-server and the OpenTelemetry SDK for nothing, and keeps them in memory as long as the stack runs.
 * A module that is used keeps its imports, side-effect ones (`import 'reflect-metadata'`) included.
 */
const workspaceWithoutSideEffects = {
  name: 'workspace-without-side-effects',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, async ({ path, kind, importer, resolveDir, pluginData }) => {
      if (pluginData === workspaceWithoutSideEffects || kind === 'entry-point') return undefined;
      const resolved = await builder.resolve(path, {
        kind,
        importer,
        resolveDir,
        pluginData: workspaceWithoutSideEffects,
      });
      if (resolved.errors.length > 0 || resolved.external || !resolved.path.startsWith(join(root, 'libs')))
        return undefined;
      return { ...resolved, sideEffects: false };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['libs/stack/src/cli.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  // The workspace's libs (@shop/*, tsconfig paths) are bundled; packages are required at run time.
  tsconfig: 'tsconfig.base.json',
  packages: 'external',
  plugins: [workspaceWithoutSideEffects, sourceDirname],
  write: false,
  metafile: Boolean(process.env.STACK_CLI_METAFILE),
  logLevel: 'warning',
});
mkdirSync(outDir, { recursive: true });
// Written whole, then renamed: a launcher starting at the same moment never reads half a file.
const [bundle] = result.outputFiles;
const target = join(outDir, 'cli.js');
writeFileSync(`${target}.${process.pid}.tmp`, bundle.contents);
renameSync(`${target}.${process.pid}.tmp`, target);
// STACK_CLI_METAFILE=<file>: what went into the bundle, for esbuild's analyser (what a launcher loads).
if (process.env.STACK_CLI_METAFILE)
  writeFileSync(process.env.STACK_CLI_METAFILE, JSON.stringify(result.metafile));
