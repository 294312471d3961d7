import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@opsplane/catalog';
import { DeploymentEntity } from './deployment.entity';
import { DeploymentsService } from './deployments.service';
import { DeploymentGates } from './gates/deployment-gate';
import { PromotionGate } from './gates/promotion.gate';
import { ReleaseCommitEntity, ReleaseEntity } from './release.entity';
import { ReleasesService } from './releases.service';

/**
 * Releases, deployments and the deployment gates. Other modules import this one to register
 * their gates with `DeploymentGates`. The API is in ReleasesApiModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ReleaseEntity, ReleaseCommitEntity, DeploymentEntity]), CatalogModule],
  providers: [ReleasesService, DeploymentsService, DeploymentGates, PromotionGate],
  exports: [ReleasesService, DeploymentsService, DeploymentGates],
})
export class ReleasesModule {}
