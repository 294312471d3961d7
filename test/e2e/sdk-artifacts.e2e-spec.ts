import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListeningServer, startListeningServer } from './support/listening-server';

/**
 * `npm run generate` builds the SDK's sources without a database (Nest preview mode, and the
 * GraphQL schema from the resolver classes). These prove that shortcut yields exactly what a
 * running server serves; a failure here means the generator, not the committed files, is wrong
 * (stale committed files are `npm run generate:check`'s job, but show up here too).
 */
describe('generated SDK sources', () => {
  let server: ListeningServer;
  const committed = (file: string) => readFileSync(join(__dirname, '../../sdk', file), 'utf8');

  beforeAll(async () => {
    server = await startListeningServer('sdk-artifacts');
  });
  afterAll(() => server.close());

  it('sdk/openapi.json is the document the server serves at /openapi.json', async () => {
    const served = await fetch(`${server.baseUrl}/openapi.json`);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(JSON.parse(committed('openapi.json')));
  });

  it('sdk/schema.graphql is the schema the server runs', () => {
    const running = printSchema(lexicographicSortSchema(server.app.get(GraphQLSchemaHost).schema));
    const withoutHeader = committed('schema.graphql').replace(/^#.*\n\n/, '');
    expect(withoutHeader).toBe(`${running}\n`);
  });
});
