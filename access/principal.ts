/** Who is asking: the authenticated person (or the bootstrap admin token) behind one request. */
import type { Principal } from '../kernel/people.js';
import { DistrictScope } from '../kernel/scope.js';

export type { Principal };

export const BOOTSTRAP_NAME = 'admin-token';

export function bootstrapPrincipal(): Principal {
  return { via: 'bootstrap', userId: null, username: BOOTSTRAP_NAME, role: 'admin', unit: null, scope: DistrictScope.CITY };
}
