/**
 * Alert ids safe in a URL path as they are: only RFC 3986 "unreserved" characters (letters, digits,
 * `-`), so `/api/v1/alerts/{id}` needs no percent-encoding. `al-<first firing epoch ms>-<16 hex>`, the hex
 * from SHA-256 of (rule id, subject): stable and unique per alert, as the former
 * `${ruleId}|${subject}|${at}` ids were, and computable from one of those — stored data and links that
 * still carry a former id resolve to the same alert (`canonicalAlertId`).
 */
import { createHash } from 'node:crypto';

export const ALERT_ID_PATTERN = /^al-\d+-[0-9a-f]{16}$/;

export function alertId(ruleId: string, subject: string, at: number): string {
  const h = createHash('sha256').update(ruleId).update('\u0000').update(subject).digest('hex');
  return `al-${Math.trunc(at)}-${h.slice(0, 16)}`;
}

/** A former id (`rule|subject|at`; rule ids have no `|`, the time is last) → today's id; anything else unchanged. */
export function canonicalAlertId(id: string): string {
  const first = id.indexOf('|');
  const last = id.lastIndexOf('|');
  if (first < 0 || last === first) return id;
  const at = Number(id.slice(last + 1));
  if (!Number.isSafeInteger(at)) return id;
  return alertId(id.slice(0, first), id.slice(first + 1, last), at);
}
