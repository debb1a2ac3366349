import { inject } from 'vitest';
import { describeSealedSecrets } from '../../kernel/db/sealed.conformance.js';
import { freshPostgresDatabase } from '../../test/servers/databases.js';
import { mavlinkSigningKeys } from './signing-secrets.conformance.js';

describeSealedSecrets(mavlinkSigningKeys, 'PostgreSQL', () => freshPostgresDatabase(inject('postgresUrl'), 'signing_secrets'));
