import { describeSealedSecrets } from '../../kernel/db/sealed.conformance.js';
import { freshSqliteDatabase } from '../../test/servers/databases.js';
import { webhookSecrets } from './webhook-secrets.conformance.js';

describeSealedSecrets(webhookSecrets, 'SQLite', freshSqliteDatabase);
