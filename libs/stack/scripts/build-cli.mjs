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
  plugins: [sourceDirname],
  write: false,
  logLevel: 'warning',
});
mkdirSync(outDir, { recursive: true });
// Written whole, then renamed: a launcher starting at the same moment never reads half a file.
const [bundle] = result.outputFiles;
const target = join(outDir, 'cli.js');
writeFileSync(`${target}.${process.pid}.tmp`, bundle.contents);
renameSync(`${target}.${process.pid}.tmp`, target);
