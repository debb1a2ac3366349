import { describeSealedSecrets } from '../kernel/db/sealed.conformance.js';
import { freshSqliteDatabase } from '../test/servers/databases.js';
import { unitWebhookSecrets } from './webhook-secrets.conformance.js';

describeSealedSecrets(unitWebhookSecrets, 'SQLite', freshSqliteDatabase);
