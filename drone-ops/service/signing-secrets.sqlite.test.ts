import { describeSealedSecrets } from '../../kernel/db/sealed.conformance.js';
import { freshSqliteDatabase } from '../../test/servers/databases.js';
import { mavlinkSigningKeys } from './signing-secrets.conformance.js';

describeSealedSecrets(mavlinkSigningKeys, 'SQLite', freshSqliteDatabase);
