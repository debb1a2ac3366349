import { inject } from 'vitest';
import { freshPostgresDatabase } from '../test/servers/databases.js';
import { describeResponseStore, kyselyResponseHarness } from './store.conformance.js';

describeResponseStore('Kysely on PostgreSQL', kyselyResponseHarness(() => freshPostgresDatabase(inject('postgresUrl'), 'response')));
