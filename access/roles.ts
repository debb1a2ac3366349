/**
 * Roles and what they may do (architecture.md "access/"). Routes declare the permission they need
 * (`resource:verb`); this table alone decides which roles hold it. docs/access.md shows the table per
 * route, and the role × route matrix test keeps the two in step.
 */
export const ROLES = ['admin', 'operator', 'dispatcher', 'integrator', 'responder', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'self', // own session and personal tokens: every signed-in person
  'reference:read', // districts (GeoJSON), firmware contracts
  'devices:read',
  'devices:write', // provision, edit, delete, bulk import
  'devices:command', // send a command to a device and wait for its reply
  'credentials:write', // rotate and revoke device secrets
  'readings:read',
  'alerts:read', // alerts, KPIs
  'alerts:write', // ack, assign, comment, resolve, close
  'alerts:dispatch', // send a drone for an alert
  'incidents:read',
  'silences:read',
  'silences:write',
  'rules:read',
  'rules:write',
  'stream:read', // the live event stream (alerts, presence, drones)
  'webhooks:read',
  'webhooks:write',
  'integrations:read',
  'integrations:write',
  'opcua:read',
  'opcua:write',
  'drones:read', // airspace, docks, drones, missions, patrols
  'drones:write',
  'users:read',
  'users:write',
  'audit:read',
  'response:read', // units, depots, shelters, experts, plans, tasks, KPIs
  'response:write', // resources and plans: edit, import
  'tasks:dispatch', // propose, dispatch, reassign, verify, cancel, override-resolve; unit duty status
  'tasks:self', // a responder's own unit's tasks: read, accept, decline, status, reports, uploads
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ONLY: Permission[] = ['self', 'reference:read', 'devices:read', 'readings:read', 'alerts:read', 'incidents:read', 'silences:read', 'rules:read', 'stream:read', 'drones:read', 'response:read'];

const TABLE: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  // alerts, incidents, devices read, dispatch
  operator: [...READ_ONLY, 'alerts:write', 'alerts:dispatch', 'silences:write', 'devices:command', 'tasks:dispatch'],
  // airspace, docks, drones, missions, patrols; alerts read to know where to fly
  dispatcher: ['self', 'reference:read', 'alerts:read', 'incidents:read', 'stream:read', 'drones:read', 'drones:write', 'response:read'],
  // devices, contracts, credentials, OPC UA, webhooks, integration clients — and no alerts
  integrator: ['self', 'reference:read', 'devices:read', 'devices:write', 'devices:command', 'credentials:write', 'readings:read', 'webhooks:read', 'webhooks:write', 'integrations:read', 'integrations:write', 'opcua:read', 'opcua:write'],
  // their unit's tasks (the response module declares those routes)
  responder: ['self', 'reference:read', 'tasks:self'],
  // the big screen in the hall: read-only
  viewer: READ_ONLY,
};

/**
 * Permissions over city-level things (rule changes, airspace and fleet, OPC UA stations, people, the audit
 * log): a district-scoped person never holds them, whatever the role.
 */
export const CITY_ONLY: ReadonlySet<Permission> = new Set(['rules:write', 'drones:read', 'drones:write', 'opcua:read', 'opcua:write', 'users:read', 'users:write', 'audit:read']);

const SETS = new Map<Role, ReadonlySet<Permission>>(ROLES.map((r) => [r, new Set(TABLE[r])]));

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function isPermission(s: string): s is Permission {
  return (PERMISSIONS as readonly string[]).includes(s);
}

/** The role's permissions, in table order. */
export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => SETS.get(role)!.has(p));
}

/**
 * The access decision for a role and scope: `ok`, or `forbidden` (403). A route open to several kinds of
 * caller names its permissions joined by `|` (`tasks:self|alerts:write`): any one of them is enough.
 */
export function decide(role: string, cityScope: boolean, permission: string): 'ok' | 'forbidden' {
  if (permission.includes('|')) return permission.split('|').some((p) => decide(role, cityScope, p) === 'ok') ? 'ok' : 'forbidden';
  if (!isRole(role) || !isPermission(permission)) return 'forbidden';
  if (!SETS.get(role)!.has(permission)) return 'forbidden';
  return !cityScope && CITY_ONLY.has(permission) ? 'forbidden' : 'ok';
}

/** True when `lower` grants nothing `upper` lacks: a personal token's role is at most its owner's. */
export function roleAtMost(lower: Role, upper: Role): boolean {
  const up = SETS.get(upper)!;
  return [...SETS.get(lower)!].every((p) => up.has(p));
}
