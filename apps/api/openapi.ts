import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { applyRequestRules } from '@opsplane/core';

/** The OpenAPI document the SDK is generated from (`npm run generate`) and `/openapi.json` serves. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Opsplane API')
    .setDescription(
      'Environments, releases and deployments, incidents, compliance and findings behind one API. ' +
        'Authenticate with `Authorization: Bearer opk_…`. Errors are RFC 9457 problem+json with a stable `code`. ' +
        'Lists are cursor-paginated: pass `nextCursor` back as `cursor`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An Opsplane API key (opk_…).' })
    .build();
  return applyRequestRules(SwaggerModule.createDocument(app, config));
}
