import { inject } from 'vitest';
import { describeSealedSecrets } from '../../kernel/db/sealed.conformance.js';
import { freshPostgresDatabase } from '../../test/servers/databases.js';
import { opcuaPasswords } from './source-secrets.conformance.js';

describeSealedSecrets(opcuaPasswords, 'PostgreSQL', () => freshPostgresDatabase(inject('postgresUrl'), 'opcua_secrets'));
