import { Input, Model, PageOf, Prop } from '@opsplane/core';

export const SERVICE_CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ServiceCriticality = (typeof SERVICE_CRITICALITIES)[number];

@Model('ServiceLink')
@Input('ServiceLinkInput')
export class ServiceLink {
  @Prop.string({ maxLength: 100, example: 'Runbook' })
  title: string;

  @Prop.url({ example: 'https://wiki.example.com/checkout/runbook' })
  url: string;
}

@Model('Service', 'A deployable unit, owned by a team.')
export class ServiceModel {
  @Prop.uuid()
  id: string;

  @Prop.slug({ description: 'Unique, URL-safe; usable in place of the id.' })
  slug: string;

  @Prop.string({ example: 'Checkout API' })
  name: string;

  @Prop.string({ maxLength: 100, example: 'payments' })
  ownerTeam: string;

  @Prop.url({ nullable: true, example: 'https://git.example.com/payments/checkout-api' })
  repositoryUrl: string | null;

  @Prop.enum(SERVICE_CRITICALITIES, 'ServiceCriticality')
  criticality: ServiceCriticality;

  @Prop.nested(() => ServiceLink, { isArray: true, maxItems: 50 })
  links: ServiceLink[];

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;

  @Prop.date({ nullable: true })
  archivedAt: Date | null;
}

export const ServicePage = PageOf(ServiceModel, 'ServicePage');

export const SERVICE_COLUMNS = [
  'id',
  'slug',
  'name',
  'ownerTeam',
  'repositoryUrl',
  'criticality',
  'links',
  'version',
  'createdAt',
  'updatedAt',
  'archivedAt',
] as const satisfies readonly (keyof ServiceModel)[];

export function toServiceModel(row: Pick<ServiceModel, (typeof SERVICE_COLUMNS)[number]>): ServiceModel {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    ownerTeam: row.ownerTeam,
    repositoryUrl: row.repositoryUrl,
    criticality: row.criticality,
    links: row.links,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    archivedAt: row.archivedAt,
  };
}
