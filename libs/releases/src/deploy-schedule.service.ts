import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import { Clock } from '@opsplane/core';
import { describeNext, toDeployWindow, toFreeze } from './deploy-schedule';
import { DeployWindowsService } from './deploy-windows.service';
import { NextDeployWindowArgs } from './dto/deploy-window.inputs';
import { NextAllowedStartModel } from './dto/deploy-window.model';
import { FreezePeriodsService } from './freeze-periods.service';
import { activeFreezeAt, DEFAULT_HORIZON_DAYS, nextAllowedStart } from './schedule';

/** Windows and freezes together: when may a deployment next start? */
@Injectable()
export class DeployScheduleService {
  constructor(
    private readonly windows: DeployWindowsService,
    private readonly freezes: FreezePeriodsService,
    private readonly environments: EnvironmentsService,
    private readonly services: ServicesService,
    private readonly clock: Clock,
  ) {}

  async next(environmentIdOrSlug: string, args: NextDeployWindowArgs): Promise<NextAllowedStartModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    // An unknown service is a 404, not silently "no windows of that service".
    const serviceId = args.serviceId ? (await this.services.get(args.serviceId)).id : null;
    const from = args.from ?? this.clock.now();
    const horizonDays = args.horizonDays ?? DEFAULT_HORIZON_DAYS;
    const windows = await this.windows.inScope(environment.id, serviceId);
    const freezes = (await this.freezes.inScope(environment.id, serviceId, from)).map(toFreeze);
    const next = nextAllowedStart(windows.map(toDeployWindow), from, { freezes, horizonDays });
    return {
      start: next?.start ?? null,
      end: next?.end ?? null,
      reason: describeNext(windows, activeFreezeAt(freezes, from), from, next, horizonDays),
    };
  }
}
