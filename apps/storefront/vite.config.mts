import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The storefront is served by the gateway from the same origin as the API, so the build needs no base
 * URL and no proxy. Hashed file names under assets/ let the gateway cache them for good.
 */
export default defineConfig({
  root: here,
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/storefront', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    assetsDir: 'assets',
  },
});
