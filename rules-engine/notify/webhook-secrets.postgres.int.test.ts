import { inject } from 'vitest';
import { describeSealedSecrets } from '../../kernel/db/sealed.conformance.js';
import { freshPostgresDatabase } from '../../test/servers/databases.js';
import { webhookSecrets } from './webhook-secrets.conformance.js';

describeSealedSecrets(webhookSecrets, 'PostgreSQL', () => freshPostgresDatabase(inject('postgresUrl'), 'secrets'));
