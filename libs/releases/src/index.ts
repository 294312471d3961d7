export { ReleasesModule } from './releases.module';
export { ReleasesApiModule } from './releases-api.module';
export { ReleasesService } from './releases.service';
export { DeploymentsService } from './deployments.service';
export {
  DeploymentGate,
  DeploymentGateContext,
  DeploymentGates,
  GateDecision,
  GatePhase,
  GateResult,
} from './gates/deployment-gate';
export { ReleaseModel, ReleaseCommit, ReleaseArtifact } from './dto/release.model';
export { DeploymentModel } from './dto/deployment.model';
export {
  DeploymentStatus,
  DEPLOYMENT_STATUSES,
  ACTIVE_STATUSES,
  allowedTransitions,
  canTransition,
  isFinished,
} from './deployment-status';
export { ReleaseErrors } from './release.errors';
