import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, Requires } from '../auth/access.decorators';
import { Actor } from '../auth/actor';
import { AuditLogService } from './audit-log.service';
import {
  AuditChainVerificationModel,
  AuditEventModel,
  AuditEventPage,
  ListAuditEventsArgs,
} from './audit.models';

@Resolver(() => AuditEventModel)
export class AuditResolver {
  constructor(private readonly auditLog: AuditLogService) {}

  @Query(() => AuditEventPage, { name: 'auditEvents' })
  @Requires('audit')
  list(@CurrentActor() reader: Actor, @Args() args: ListAuditEventsArgs) {
    return this.auditLog.list(reader, args);
  }

  @Query(() => AuditChainVerificationModel, { name: 'verifyAuditChain' })
  @Requires('audit')
  verify() {
    return this.auditLog.verify();
  }
}
