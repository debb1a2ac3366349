/**
 * Servers the configuration names are reached once before anything starts, so a wrong URL stops the
 * process with one line instead of clients retrying forever in the background (ioredis retries without end).
 */
import { Redis } from 'ioredis';
import { redactUrl } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';

/** Connects and PINGs once (no retry); throws DEPENDENCY_UNREACHABLE naming REDIS_URL. */
export async function probeRedis(url: string, timeoutMs = 5_000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  // The event carries the socket's reason (ECONNREFUSED…); connect() only rejects with "Connection is closed".
  let reason: Error | undefined;
  redis.on('error', (err: Error) => (reason ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (cause) {
    throw new AppError('DEPENDENCY_UNREACHABLE', { message: `cannot reach Redis at ${redactUrl(url)} (REDIS_URL): ${(reason ?? (cause as Error)).message}`, cause: reason ?? cause });
  } finally {
    redis.disconnect();
  }
}
