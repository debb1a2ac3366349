/**
 * One log line per HTTP request, written when the response is sent (fastify's own logging writes two:
 * "incoming request" and "request completed"). Health checks and metric scrapes log at debug: a scraper
 * every 15 s would otherwise bury the lines people read.
 */
import type { FastifyInstance } from 'fastify';

const QUIET = new Set(['/healthz', '/metrics']);

export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    const route = req.routeOptions.url;
    // No reqId here: req.log carries it already (a second one made each line's JSON name it twice).
    const line = { method: req.method, url: req.url, route, status, ms: Math.round(reply.elapsedTime * 10) / 10, ip: req.ip };
    if (status >= 500) req.log.error(line, 'request');
    else if (route !== undefined && QUIET.has(route)) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
  });
}
