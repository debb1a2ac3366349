import { freshSqliteDatabase } from '../test/servers/databases.js';
import { describeResponseStore, kyselyResponseHarness } from './store.conformance.js';

describeResponseStore('Kysely on SQLite', kyselyResponseHarness(freshSqliteDatabase));
