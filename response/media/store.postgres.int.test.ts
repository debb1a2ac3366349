import { inject } from 'vitest';
import { freshPostgresDatabase } from '../../test/servers/databases.js';
import { describeMediaStore, kyselyMediaHarness } from './store.conformance.js';

describeMediaStore('Kysely on PostgreSQL + blob directory', kyselyMediaHarness(() => freshPostgresDatabase(inject('postgresUrl'), 'media')));
