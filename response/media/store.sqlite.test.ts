import { freshSqliteDatabase } from '../../test/servers/databases.js';
import { describeMediaStore, kyselyMediaHarness } from './store.conformance.js';

describeMediaStore('Kysely on SQLite + blob directory', kyselyMediaHarness(freshSqliteDatabase));
