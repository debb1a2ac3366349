/**
 * Webhook signatures (docs/integrations.md "Verifying a delivery"): the receiver recomputes
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` over the raw body. Signing the timestamp
 * with the body lets a receiver refuse replays older than its tolerance (the Stripe/Slack scheme).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-citybrain-signature';
export const TIMESTAMP_HEADER = 'x-citybrain-timestamp';
export const EVENT_HEADER = 'x-citybrain-event';
export const DELIVERY_HEADER = 'x-citybrain-delivery';

/** A receiver secret: 32 random bytes, base64url, prefixed so a leaked one is recognisable. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `sha256=<hex>` for a delivery sent at `timestamp` (epoch seconds, as sent in the header). */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does: constant-time compare, and refuse timestamps further than `toleranceS` from
 * `nowS` (replays). Exported for tests and for integrators writing a receiver in TypeScript.
 */
export function verifySignature(
  secret: string,
  header: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowS: number,
  toleranceS = 300,
): boolean {
  const ts = Number(header.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS || header.signature === undefined) return false;
  const expected = Buffer.from(signPayload(secret, ts, body));
  const given = Buffer.from(header.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
