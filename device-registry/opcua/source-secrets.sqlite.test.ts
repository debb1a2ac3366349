import { describeSealedSecrets } from '../../kernel/db/sealed.conformance.js';
import { freshSqliteDatabase } from '../../test/servers/databases.js';
import { opcuaPasswords } from './source-secrets.conformance.js';

describeSealedSecrets(opcuaPasswords, 'SQLite', freshSqliteDatabase);
