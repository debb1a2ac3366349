export { createDatabase, isPostgresUrl, type Database, type DatabaseOptions, type Dialect } from './database.js';
export { migrate, executedMigrations, type Migration } from './migrate.js';
export { isUniqueViolation } from './errors.js';
export { sealLegacyColumn } from './sealed.js';
