/** Bearer-token authentication for `/api` (architecture.md "Public surface"). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../kernel/errors.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * True when `header` is `Bearer <token>` with the expected token. Both sides are hashed to equal-length
 * digests before `timingSafeEqual`, so neither the content nor the length of the token leaks through timing.
 */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  return tokenMatches(header === undefined ? undefined : BEARER.exec(header)?.[1], expected);
}

/** The same constant-time comparison for a token presented another way (`?token=` on the event stream). */
export function tokenMatches(token: string | undefined, expected: string): boolean {
  return token !== undefined && timingSafeEqual(digest(token), digest(expected));
}

/** onRequest hook: 401 UNAUTHORIZED unless the request carries the admin token. */
export function requireBearer(adminToken: string) {
  if (adminToken.length === 0) throw new AppError('CONFIG_INVALID', { message: 'adminToken must not be empty' });
  return async (req: FastifyRequest): Promise<void> => {
    if (!bearerMatches(req.headers.authorization, adminToken)) throw new AppError('UNAUTHORIZED');
  };
}
