import { Args, Input, Model, Prop } from '../schema/fields';
import { PageArgs, PageOf } from '../pagination/pagination';
import { ApiKeyEntity } from './api-key.entity';
import { Role, ROLES } from './roles';

@Model('ApiKey', 'A credential for scripts and portals. The token is shown once, at creation.')
export class ApiKeyModel {
  @Prop.uuid()
  id: string;

  @Prop.string()
  name: string;

  @Prop.enum(ROLES, 'Role')
  role: Role;

  @Prop.string({ description: 'The first characters of the token, to tell keys apart.', example: 'opk_3fK9' })
  tokenPrefix: string;

  @Prop.date({ nullable: true })
  expiresAt: Date | null;

  @Prop.date({ nullable: true })
  revokedAt: Date | null;

  @Prop.date({ nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt: Date | null;

  @Prop.date({ nullable: true, description: 'Start of an auditor key’s observation window.' })
  observationFrom: Date | null;

  @Prop.date({ nullable: true, description: 'End (exclusive) of an auditor key’s observation window.' })
  observationTo: Date | null;

  @Prop.string()
  createdBy: string;

  @Prop.date()
  createdAt: Date;

  @Prop.bool({ description: 'Neither revoked nor expired.' })
  isActive: boolean;
}

@Model('CreatedApiKey')
export class CreatedApiKeyModel {
  @Prop.nested(() => ApiKeyModel)
  apiKey: ApiKeyModel;

  @Prop.string({ description: 'The bearer token. Shown only in this response; store it now.' })
  token: string;
}

export const ApiKeyPage = PageOf(ApiKeyModel, 'ApiKeyPage');

@Input('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Prop.string({ maxLength: 100, example: 'deploy-pipeline' })
  name: string;

  @Prop.enum(ROLES, 'Role')
  role: Role;

  @Prop.date({
    optional: true,
    description: 'When the key stops working; must be in the future. Default: never.',
  })
  expiresAt?: Date;

  @Prop.date({
    optional: true,
    description:
      'Auditor keys only, with `observationTo`: the key’s compliance reports, scans, results, evidence, waivers ' +
      'and audit events are limited to [observationFrom, observationTo), as for an external auditor.',
  })
  observationFrom?: Date;

  @Prop.date({ optional: true, description: 'Auditor keys only, with `observationFrom`; after it.' })
  observationTo?: Date;
}

@Args()
export class ListApiKeysArgs extends PageArgs {
  @Prop.bool({ optional: true, description: 'Include revoked and expired keys (default false).' })
  includeInactive?: boolean;
}

export function toApiKeyModel(entity: ApiKeyEntity, now: Date): ApiKeyModel {
  return {
    id: entity.id,
    name: entity.name,
    role: entity.role,
    tokenPrefix: entity.tokenPrefix,
    expiresAt: entity.expiresAt,
    revokedAt: entity.revokedAt,
    lastUsedAt: entity.lastUsedAt,
    observationFrom: entity.observationFrom,
    observationTo: entity.observationTo,
    createdBy: entity.createdBy,
    createdAt: entity.createdAt,
    isActive: entity.revokedAt === null && (entity.expiresAt === null || entity.expiresAt > now),
  };
}
