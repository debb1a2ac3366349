/** The device registry's public surface (architecture.md: modules talk through index.ts). */
export { DeviceRegistry, type DeviceRegistryOptions, type Credentials, type RotatedCredentials, type AuthOutcome } from './device-registry.js';
export { DistrictIndex, loadDistricts, QINGDAO_DISTRICTS_FILE, type District, type DistrictRef } from './districts.js';
export {
  DEVICE_ID_PATTERN,
  type Device,
  type DeviceInfo,
  type DevicePatch,
  type CreateDeviceInput,
  type LastViolation,
  type Location,
  type Presence,
} from './device.js';
export { DEVICE_KINDS, isDeviceKind, type DeviceKind } from './kinds.js';
export type { DeviceRepository, DeviceListFilter, CredentialRecord, PresenceUpdate, PresenceChangeRow } from './device-repository.js';
export { presenceIntervals, type PresenceInterval } from './presence-history.js';
export { PRESENCE_LOG_DAYS } from './presence.js';
export { KyselyDeviceRepository } from './device-repository.kysely.js';
export { registryMigrations } from './migrations.js';
export { loadOrCreateCredentialKey } from './credentials.js';
export { CSV_COLUMNS, type ImportFormat, type ImportReport, type ImportRowResult } from './bulk-import.js';
export * from './opcua/index.js';
