import { Module } from '@nestjs/common';
import { CatalogModule } from '@opsplane/catalog';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsResolver } from './approvals.resolver';
import {
  DeploymentServiceResolver,
  EnvironmentDeploymentsResolver,
  ReleaseServiceResolver,
} from './catalog-relations.resolver';
import { CurrentDeploymentsController } from './current-deployments.controller';
import {
  DeploymentPages,
  EnvironmentDeploymentListResolver,
  ReleaseDeploymentListResolver,
  ServiceDeploymentListResolver,
} from './deployment-lists.resolver';
import { DeploymentPinsController } from './deployment-pins.controller';
import { DeploymentPinsResolver } from './deployment-pins.resolver';
import { DeployWindowsController } from './deploy-windows.controller';
import { DeployWindowsResolver } from './deploy-windows.resolver';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsResolver } from './deployments.resolver';
import { FreezePeriodsController } from './freeze-periods.controller';
import { FreezePeriodsResolver } from './freeze-periods.resolver';
import { PromotionPoliciesController } from './promotion-policies.controller';
import { PromotionPoliciesResolver } from './promotion-policies.resolver';
import { ReleasesModule } from './releases.module';
import { ReleasesController } from './releases.controller';
import { ReleasesResolver } from './releases.resolver';

/** REST and GraphQL for releases, deployments, deploy windows and freezes; the API process imports this, the worker only ReleasesModule. */
@Module({
  imports: [ReleasesModule, CatalogModule],
  controllers: [
    ReleasesController,
    DeploymentsController,
    DeployWindowsController,
    FreezePeriodsController,
    ApprovalsController,
    CurrentDeploymentsController,
    DeploymentPinsController,
    PromotionPoliciesController,
  ],
  providers: [
    ReleasesResolver,
    DeploymentsResolver,
    DeployWindowsResolver,
    FreezePeriodsResolver,
    ApprovalsResolver,
    DeploymentPinsResolver,
    EnvironmentDeploymentsResolver,
    ReleaseServiceResolver,
    DeploymentServiceResolver,
    PromotionPoliciesResolver,
    DeploymentPages,
    EnvironmentDeploymentListResolver,
    ServiceDeploymentListResolver,
    ReleaseDeploymentListResolver,
  ],
})
export class ReleasesApiModule {}
