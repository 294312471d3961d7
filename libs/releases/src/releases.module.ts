import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@opsplane/catalog';
import { ActiveDeploymentsArchiveGuard } from './active-deployments.archive-guard';
import { DeploymentApprovalEntity, EnvironmentApprovalRuleEntity } from './approval.entity';
import { ApprovalsService } from './approvals.service';
import { DeployScheduleService } from './deploy-schedule.service';
import { DeployWindowEntity } from './deploy-window.entity';
import { DeployWindowsService } from './deploy-windows.service';
import { CurrentDeploymentEntity } from './current-deployment.entity';
import { CurrentDeploymentsService } from './current-deployments.service';
import { DeploymentEntity } from './deployment.entity';
import { DeploymentPinEntity } from './deployment-pin.entity';
import { DeploymentPinsService } from './deployment-pins.service';
import { DeploymentsService } from './deployments.service';
import { DeploymentTransitions } from './deployment-transitions';
import { FreezePeriodEntity } from './freeze-period.entity';
import { FreezePeriodsService } from './freeze-periods.service';
import { DeploymentGates } from './gates/deployment-gate';
import { DeployWindowGate } from './gates/deploy-window.gate';
import { FreezeGate } from './gates/freeze.gate';
import { PinGate } from './gates/pin.gate';
import { PromotionGate } from './gates/promotion.gate';
import { ScheduledDeploymentsJob } from './jobs/scheduled-deployments.job';
import { PromotionPoliciesService } from './promotion-policies.service';
import { EnvironmentPromotionPolicyEntity } from './promotion-policy.entity';
import { ReleaseCommitEntity, ReleaseEntity } from './release.entity';
import { ReleasesService } from './releases.service';

/**
 * Releases, deployments and the deployment gates. Other modules import this one to register
 * their gates with `DeploymentGates`; this one registers its archive guard with the catalog's
 * `ArchiveGuards`. The API is in ReleasesApiModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ReleaseEntity,
      ReleaseCommitEntity,
      DeploymentEntity,
      DeployWindowEntity,
      FreezePeriodEntity,
      EnvironmentApprovalRuleEntity,
      DeploymentApprovalEntity,
      CurrentDeploymentEntity,
      DeploymentPinEntity,
      EnvironmentPromotionPolicyEntity,
    ]),
    CatalogModule,
  ],
  providers: [
    ReleasesService,
    DeploymentsService,
    DeploymentTransitions,
    DeployWindowsService,
    FreezePeriodsService,
    DeployScheduleService,
    ApprovalsService,
    PromotionPoliciesService,
    DeploymentGates,
    PromotionGate,
    DeployWindowGate,
    FreezeGate,
    PinGate,
    DeploymentPinsService,
    CurrentDeploymentsService,
    ScheduledDeploymentsJob,
    ActiveDeploymentsArchiveGuard,
  ],
  exports: [
    DeploymentPinsService,
    CurrentDeploymentsService,
    ReleasesService,
    DeploymentsService,
    DeployWindowsService,
    FreezePeriodsService,
    DeployScheduleService,
    ApprovalsService,
    PromotionPoliciesService,
    DeploymentGates,
  ],
})
export class ReleasesModule {}
