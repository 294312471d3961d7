import { Writable } from 'node:stream';
import { createRootLogger, PinoNestLogger } from './logger';

function capture(level: 'info' | 'debug') {
  const lines: { level: string; context?: string; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: new PinoNestLogger(createRootLogger({ level }, destination)) };
}

describe('PinoNestLogger', () => {
  it("keeps Nest's start-up wiring (modules, controllers, routes) out of the default log", () => {
    const { lines, logger } = capture('info');
    logger.log('ApiModule dependencies initialized', 'InstanceLoader');
    logger.log('ApiKeysController {/v1/api-keys}:', 'RoutesResolver');
    logger.log('Mapped {/v1/api-keys, POST} route', 'RouterExplorer');
    logger.log('Mapped {/graphql, POST} route', 'GraphQLModule');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn('A route conflicts', 'RouterExplorer');
    expect(lines.map(({ level, context, msg }) => ({ level, context, msg }))).toEqual([
      { level: 'info', context: 'NestApplication', msg: 'Nest application successfully started' },
      { level: 'warn', context: 'RouterExplorer', msg: 'A route conflicts' },
    ]);
  });

  it('logs the wiring at debug level', () => {
    const { lines, logger } = capture('debug');
    logger.log('Mapped {/v1/api-keys, POST} route', 'RouterExplorer');
    expect(lines).toMatchObject([{ level: 'debug', context: 'RouterExplorer' }]);
  });
});
