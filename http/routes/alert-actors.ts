/**
 * Who is named on an alert's timeline, for people: an entry whose `actor` is a person's id (a photo's
 * uploader, recorded by id) gets `actorName`, their user name. Other actors (a user name already,
 * `system`, `drone:<id>`) are left as they are.
 */
import type { PersonNames } from './names.js';

type Entry = { actor?: unknown; [k: string]: unknown };

/** The alert with `actorName` on each audit entry whose actor is a person's id (other fields untouched). */
export async function withActorNames<A extends object>(alert: A, names: PersonNames | undefined): Promise<A> {
  const raw: unknown = (alert as { audit?: unknown }).audit;
  if (!names || !Array.isArray(raw)) return alert;
  const audit = raw as Entry[];
  const actors = [...new Set(audit.map((e) => e.actor).filter((a): a is string => typeof a === 'string'))];
  const found = new Map<string, string>();
  for (const id of actors) {
    const name = await names(id);
    if (name !== null && name !== id) found.set(id, name);
  }
  if (found.size === 0) return alert;
  const named = audit.map((e) => {
    const name = typeof e.actor === 'string' ? found.get(e.actor) : undefined;
    return name === undefined ? e : { ...e, actorName: name };
  });
  return { ...alert, audit: named };
}
