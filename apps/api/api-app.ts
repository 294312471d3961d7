import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig, Clock, createHttpApp, GRAPHQL_IDE_ASSETS } from '@opsplane/core';
import { getDistDirectory } from 'altair-static';
import fastifyStatic from '@fastify/static';
import { Logger as Pino } from 'pino';
import { ApiModule } from './api.module';
import { buildOpenApiDocument } from './openapi';

/**
 * The API application, ready to `listen()`: used by `main.ts`, the tests and the generators.
 * Docs are served from installed packages so they work without internet access.
 */
export async function createApiApp(
  config: AppConfig,
  logger: Pino,
  options: { preview?: boolean; clock?: Clock } = {},
): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ApiModule.forRoot(config, { clock: options.clock }), {
    config,
    logger,
    preview: options.preview,
  });
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Opsplane API',
    swaggerOptions: { persistAuthorization: true },
  });
  await app.register(fastifyStatic, {
    root: getDistDirectory(),
    prefix: GRAPHQL_IDE_ASSETS,
    decorateReply: false,
  });
  return app;
}
