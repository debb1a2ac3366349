/**
 * The web console (console/), served by the platform itself at `/`: same origin as the API, no CDN,
 * works with no internet (console.md). The built files are registered one route each at start (no
 * wildcard), so an unknown path still answers the API's ROUTE_NOT_FOUND. Without a build, `/` says how
 * to make one instead of failing silently.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { Type } from '@sinclair/typebox';

export interface ConsoleOptions {
  /** console/dist: the Vite build. */
  dir: string;
  /** Optional raster tile URL template for a basemap under the city's own GeoJSON (WGS84 tiles only). */
  basemapUrl?: string;
  /** The city's time zone for every time on screen. */
  timeZone: string;
}

/**
 * Content-Security-Policy for the console's pages: scripts, workers and data from this origin only;
 * inline style attributes (Preact's `style={}`) allowed; images and tiles also from the basemap's
 * origin when one is configured.
 */
export function consoleCsp(basemapUrl?: string): string {
  let tiles = '';
  if (basemapUrl) {
    try {
      tiles = ` ${new URL(basemapUrl.replace(/[{}]/g, '')).origin}`;
    } catch {
      tiles = '';
    }
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles}`,
    `connect-src 'self'${tiles}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>citybrain</title>
<h1>citybrain</h1><p>The web console is not built. Run <code>npm run build:console</code> (or <code>npm start</code>, which builds it when needed) and reload.</p>
<p>The HTTP API is at <a href="/docs">/docs</a>.</p>`;

export function consoleRoutes(opts: ConsoleOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    const csp = consoleCsp(opts.basemapUrl);
    app.get(
      '/api/v1/console/settings',
      {
        config: { access: 'public' },
        schema: {
          tags: ['system'],
          summary: "The console's settings: optional basemap tile URL, the city's time zone (no auth)",
          response: { 200: Type.Object({ basemapUrl: Type.Union([Type.String(), Type.Null()]), timeZone: Type.String() }) },
        },
      },
      async () => ({ basemapUrl: opts.basemapUrl ?? null, timeZone: opts.timeZone }),
    );
    if (!existsSync(join(opts.dir, 'index.html'))) {
      app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
      return;
    }
    await app.register(fastifyStatic, {
      root: opts.dir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // Hashed asset names never change; the page itself must be revalidated to pick up a new build.
      setHeaders: (res, path) => {
        res.header('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
        res.header('x-content-type-options', 'nosniff');
        if (path.endsWith('.html')) {
          res.header('content-security-policy', csp);
          res.header('referrer-policy', 'no-referrer');
        }
      },
    });
  };
}
