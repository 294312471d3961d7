import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '../auth/access.decorators';
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
  list(@Args() args: ListAuditEventsArgs) {
    return this.auditLog.list(args);
  }

  @Query(() => AuditChainVerificationModel, { name: 'verifyAuditChain' })
  @Requires('audit')
  verify() {
    return this.auditLog.verify();
  }
}
