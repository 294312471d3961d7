import { Args, Input, PageArgs, PartialOf, Prop } from '@opsplane/core';
import { SERVICE_CRITICALITIES, ServiceCriticality, ServiceLink } from './service.model';

@Input('CreateServiceInput')
export class CreateServiceInput {
  @Prop.slug({ example: 'checkout-api' })
  slug: string;

  @Prop.string({ maxLength: 200, example: 'Checkout API' })
  name: string;

  @Prop.string({ maxLength: 100, example: 'payments' })
  ownerTeam: string;

  @Prop.url({ optional: true, nullable: true, description: 'null (on update) clears it.' })
  repositoryUrl?: string | null;

  @Prop.enum(SERVICE_CRITICALITIES, 'ServiceCriticality', { optional: true, description: 'Default: medium.' })
  criticality?: ServiceCriticality;

  @Prop.nested(() => ServiceLink, { isArray: true, optional: true, maxItems: 50 })
  links?: ServiceLink[];
}

@Input('UpdateServiceInput', 'Only the fields sent change; `links` is replaced as a whole.')
export class UpdateServiceInput extends PartialOf(CreateServiceInput) {}

@Args()
export class ListServicesArgs extends PageArgs {
  @Prop.string({ optional: true, maxLength: 100 })
  ownerTeam?: string;

  @Prop.enum(SERVICE_CRITICALITIES, 'ServiceCriticality', { optional: true })
  criticality?: ServiceCriticality;

  @Prop.string({ optional: true, maxLength: 100, description: 'Case-insensitive match on slug or name.' })
  q?: string;

  @Prop.bool({ optional: true, description: 'Include archived services (default false).' })
  includeArchived?: boolean;
}
