/**
 * Names for people and units, for answers that would otherwise show an id: a person's user name by their
 * id (access), a response unit's name by its id (the response module's resources).
 */
import { AppError } from '../../kernel/errors.js';
import type { Localized } from '../../kernel/i18n.js';
import type { AccessPort } from '../access-port.js';
import type { ResponsePort } from './response.port.js';

/** A person's display name by their id, or null when no person has that id. */
export type PersonNames = (id: string) => Promise<string | null>;
/** A response unit's name in every language by its id (`name_zh` for zh-CN, else its name), or null when there is no such unit. */
export type UnitNames = (id: string) => Promise<Localized | null>;

/** What `find` answers, or null when it throws the AppError `missing` (nothing by that id). */
async function unlessMissing<T>(missing: string, find: () => Promise<T>): Promise<T | null> {
  try {
    return await find();
  } catch (err) {
    if (err instanceof AppError && err.code === missing) return null;
    throw err;
  }
}

export function personNamesOf(access: Pick<AccessPort, 'users'>): PersonNames {
  return async (id) => (await unlessMissing('USER_NOT_FOUND', () => access.users.get(id)))?.username ?? null;
}

/** The whole city's units: a responder's unit may lie outside their districts. */
export function unitNamesOf(response: Pick<ResponsePort, 'getResource'>): UnitNames {
  return async (id) => {
    const r = await unlessMissing('UNIT_NOT_FOUND', () => response.getResource(id, null));
    if (typeof r?.name !== 'string') return null;
    return { en: r.name, 'zh-CN': typeof r.name_zh === 'string' ? r.name_zh : r.name };
  };
}
