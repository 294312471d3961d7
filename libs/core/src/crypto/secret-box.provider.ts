import { Logger, Provider } from '@nestjs/common';
import { SecretsConfig } from '../config/config';
import { SecretBox } from './secret-box';
import { readOrCreateKeyFile } from './secret-key';

/**
 * The SecretBox under OPSPLANE_SECRET_KEY or, when that is unset, under the key kept in the data
 * directory (generated on the first start). A generated key is announced once, never printed:
 * every process sharing the database must use the same key, or none can read what another sealed.
 */
export const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [SecretsConfig],
  useFactory: async (secrets: SecretsConfig) =>
    new SecretBox(
      secrets.key ??
        (await readOrCreateKeyFile(secrets.keyFile, (file) =>
          new Logger(SecretBox.name).warn(
            `OPSPLANE_SECRET_KEY is not set: generated a secret key in ${file} (mode 0600). ` +
              'Back it up with the database; replicas or workers sharing this database must all set ' +
              'OPSPLANE_SECRET_KEY to this same key.',
          ),
        )),
    ),
};
