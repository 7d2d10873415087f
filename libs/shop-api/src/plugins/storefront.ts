/**
 * Serves the storefront (the built single-page app) from the gateway's own origin, so the browser calls
 * the API without CORS. Hashed assets are cached for good; index.html is revalidated on every load, so a
 * new build is picked up at once. Page paths (`/orders/…`) answer with index.html and the app routes them.
 */
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from './errors';

export interface StorefrontOptions {
  /** The storefront's build directory (index.html, assets/, images/). */
  root: string;
  /** Jaeger's UI, for the order page's link to its trace; none: no link. */
  jaegerUiUrl: string | undefined;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const SHORT = 'public, max-age=3600';

/** Paths the app never routes: the API, the telemetry intake and the gateway's own documents. */
const NOT_PAGES = /^\/(v1|otlp|docs|openapi\.json|healthz|readyz)(\/|$)/;

/** By the file's place in the build: Vite puts the content-hashed files, and only those, in assets/. */
const cacheControlFor = (file: string): string =>
  file === 'index.html' ? REVALIDATE : file.startsWith(`assets${sep}`) ? IMMUTABLE : SHORT;

/**
 * A page is what a browser navigates to (it accepts HTML) at a path without a file extension (files
 * have one; order ids and skus do not), outside the API.
 */
const isPage = (request: FastifyRequest, path: string): boolean =>
  !NOT_PAGES.test(request.url) &&
  !/\.[^/]*$/.test(path) &&
  (request.headers.accept ?? '').includes('text/html');

export async function storefrontRoutes(
  app: FastifyInstance,
  { root, jaegerUiUrl }: StorefrontOptions,
): Promise<void> {
  // Read by the app at start: what differs between deployments stays out of the build.
  app.get('/storefront/config.json', { schema: { hide: true } }, (_request, reply) =>
    reply.header('cache-control', REVALIDATE).send({ jaegerUiUrl: jaegerUiUrl ?? null }),
  );

  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn(
      { storefrontDir: root },
      'no storefront build at STOREFRONT_DIR; / answers 404 (build it with `npx nx build storefront`)',
    );
    app.get('/', { schema: { hide: true } }, (_request, reply) =>
      sendProblem(
        reply,
        problem('NOT_FOUND', 'The storefront is not installed on this server; the API is at /v1'),
      ),
    );
    return;
  }

  await app.register(fastifyStatic, {
    root,
    // No routes of the plugin's own: the one route below serves files and pages, so a new build is
    // served as soon as it is written, and unknown paths get the page or the usual 404.
    serve: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => void reply.header('cache-control', cacheControlFor(relative(root, path))),
  });

  const serve = (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
    const path = request.params['*'] ?? '';
    // A missing file is the usual 404 (sendFile hands it to the not-found handler).
    return isPage(request, path) ? reply.sendFile('index.html') : reply.sendFile(path);
  };
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
  app.get('/*', { schema: { hide: true } }, serve);
}
