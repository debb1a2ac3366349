/** drone-ops storage: the DroneOpsStore port, its Kysely adapter, migrations and intent registries. */
export * from './types.js';
export { droneOpsMigrations } from './migrations.js';
export { KyselyDroneOpsStore } from './store.kysely.js';
export { LocalIntentRegistry, endOf, type IntentRegistry } from './intents.js';
export { RedisIntentRegistry, type RedisIntentRegistryOptions } from './intents.redis.js';
