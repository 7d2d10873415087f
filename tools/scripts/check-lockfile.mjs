// Fails when package-lock.json lacks an optional platform package that some dependency declares.
// npm can write such an incomplete lock when a package's newest release misses a platform build, and
// `npm ci` on that platform then fails with "Missing: <pkg> from lock file".
import { readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
const packages = lock.packages ?? {};
const present = new Set(Object.keys(packages).map((path) => path.replace(/^.*node_modules\//, '')));
const missing = [];
for (const [path, meta] of Object.entries(packages)) {
  for (const name of Object.keys(meta.optionalDependencies ?? {})) {
    if (!present.has(name)) missing.push(`${name} (optional dependency of ${path || 'the root'})`);
  }
}
if (missing.length > 0) {
  console.error(
    `package-lock.json is missing ${missing.length} optional package(s):\n  ${missing.join('\n  ')}`,
  );
  console.error('Pin the dependency to a release that has every platform build, then reinstall.');
  process.exit(1);
}
console.log(
  `package-lock.json: all optional platform packages present (${Object.keys(packages).length} entries)`,
);
