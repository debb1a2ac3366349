export type { AlertStore, AlertFilter, AlertChange, StoredAlert, StoredRule } from './alert-store.js';
export { KyselyAlertStore } from './alert-store.kysely.js';
export { rulesMigrations } from './migrations.js';
