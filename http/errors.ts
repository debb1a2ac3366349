/**
 * The one HTTP error handler (style.md "Errors"): every failure leaves as
 * `{"error": {"code", "message", "details"?}}` with the status of its code (docs/errors.md).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, type ErrorCode } from '../kernel/errors.js';

/** fastify's own client errors that have a code of ours (fastify docs, "Errors"). */
const FASTIFY_CODES: Record<string, ErrorCode | undefined> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'PAYLOAD_MALFORMED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'PAYLOAD_MALFORMED',
};

interface ValidationIssue {
  in: string;
  path: string;
  message: string;
  keyword: string;
  params?: unknown;
}

function validationDetails(err: FastifyError): ValidationIssue[] {
  const where = err.validationContext ?? 'request';
  return (err.validation ?? []).map((v) => ({
    in: where,
    path: v.instancePath === '' ? '/' : v.instancePath,
    message: v.message ?? 'is invalid',
    keyword: v.keyword,
    params: v.params,
  }));
}

/** Maps anything thrown in a request to an AppError; undefined means "unexpected" (500). */
export function toAppError(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  const e = err as Partial<FastifyError> | null;
  if (e === null || typeof e !== 'object') return undefined;
  if (e.validation) {
    return new AppError('VALIDATION_FAILED', {
      message: `Request ${e.validationContext ?? 'input'} failed validation`,
      details: validationDetails(e as FastifyError),
    });
  }
  const mapped = e.code === undefined ? undefined : FASTIFY_CODES[e.code];
  if (mapped !== undefined) {
    return new AppError(mapped, { cause: err, ...(mapped === 'PAYLOAD_TOO_LARGE' ? {} : { details: { reason: e.message } }) });
  }
  // Other client errors fastify raises itself (bad URL, bad content-length...): keep their status.
  if (typeof e.code === 'string' && e.code.startsWith('FST_') && typeof e.statusCode === 'number' && e.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', { status: e.statusCode, message: e.message ?? 'Bad request', cause: err, details: { reason: e.code } });
  }
  return undefined;
}

/** `countError` is told every error code the API answers with (`citybrain_http_errors_total{code}`). */
export function installErrorHandling(app: FastifyInstance, countError: (code: string) => void = () => {}): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const appErr = toAppError(err);
    countError(appErr?.code ?? 'INTERNAL');
    if (appErr === undefined) {
      // Never echo an unexpected message: it may carry SQL, paths or secrets. The log has the stack.
      req.log.error({ err }, 'unhandled error');
      const internal = new AppError('INTERNAL');
      return reply.code(internal.status).send(internal.toJSON());
    }
    if (appErr.status >= 500) req.log.error({ err: appErr, code: appErr.code }, appErr.message);
    else req.log.info({ code: appErr.code, status: appErr.status }, appErr.message);
    if (appErr.code === 'UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer realm="citybrain"');
    // RFC 9110 §10.2.3: how long to wait, in seconds.
    const retryAfterS = (appErr.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
    if (appErr.status === 429 && typeof retryAfterS === 'number') void reply.header('retry-after', String(retryAfterS));
    return reply.code(appErr.status).send(appErr.toJSON());
  });

  app.setNotFoundHandler((req, reply) => {
    const e = new AppError('ROUTE_NOT_FOUND', { message: `No route ${req.method} ${req.url.split('?')[0] ?? ''}` });
    return reply.code(e.status).send(e.toJSON());
  });
}
