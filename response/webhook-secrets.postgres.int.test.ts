import { inject } from 'vitest';
import { describeSealedSecrets } from '../kernel/db/sealed.conformance.js';
import { freshPostgresDatabase } from '../test/servers/databases.js';
import { unitWebhookSecrets } from './webhook-secrets.conformance.js';

describeSealedSecrets(unitWebhookSecrets, 'PostgreSQL', () => freshPostgresDatabase(inject('postgresUrl'), 'unit_secrets'));
