/** The alert timeline names people: a person's id gets their user name beside it, other actors stay as they are. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import { withActorNames } from './alert-actors.js';
import { personNamesOf } from './names.js';

const people = personNamesOf({
  users: {
    get: async (id: string) => {
      if (id !== 'u_7f3a') throw new AppError('USER_NOT_FOUND', { details: { id } });
      return { id, username: 'crew-a' };
    },
  } as never,
});

describe('alert timeline actors', () => {
  it('adds actorName where the actor is a person\'s id, and nothing where it is a name, the system or a drone', async () => {
    const alert = { id: 'al-1', audit: [{ at: 1, actor: 'admin', action: 'acknowledged' }, { at: 2, actor: 'u_7f3a', action: 'media.attached' }, { at: 3, actor: 'system', action: 'opened' }, { at: 4, actor: 'drone:D-1', action: 'drone.arrived' }] };
    expect((await withActorNames(alert, people)).audit).toEqual([
      { at: 1, actor: 'admin', action: 'acknowledged' },
      { at: 2, actor: 'u_7f3a', actorName: 'crew-a', action: 'media.attached' },
      { at: 3, actor: 'system', action: 'opened' },
      { at: 4, actor: 'drone:D-1', action: 'drone.arrived' },
    ]);
    expect(await withActorNames({ id: 'al-2' }, people)).toEqual({ id: 'al-2' });
  });

  it('lets any other failure of the people store through', async () => {
    const broken = personNamesOf({ users: { get: async () => Promise.reject(new Error('database down')) } as never });
    await expect(withActorNames({ audit: [{ actor: 'x' }] }, broken)).rejects.toThrow('database down');
  });
});
