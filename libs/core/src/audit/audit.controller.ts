import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, Requires } from '../auth/access.decorators';
import { Actor } from '../auth/actor';
import { Operation } from '../http/rest.decorators';
import { AuditLogService } from './audit-log.service';
import { AuditChainVerificationModel, AuditEventPage, ListAuditEventsArgs } from './audit.models';

@ApiTags('audit')
@Controller('v1/audit-events')
@Requires('audit')
export class AuditController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @Operation({
    operationId: 'listAuditEvents',
    summary: 'List audit events in chain order',
    response: AuditEventPage,
  })
  list(@CurrentActor() reader: Actor, @Query() args: ListAuditEventsArgs) {
    return this.auditLog.list(reader, args);
  }

  @Get('verify')
  @Operation({
    operationId: 'verifyAuditChain',
    summary: 'Recompute the hash chain and report the first altered, removed or reordered event',
    response: AuditChainVerificationModel,
  })
  verify() {
    return this.auditLog.verify();
  }
}
