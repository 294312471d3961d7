export { ReleasesModule } from './releases.module';
export { ReleasesApiModule } from './releases-api.module';
export { ReleasesConfig } from './releases.config';
export { ReleasesService } from './releases.service';
export { DeploymentsService } from './deployments.service';
export { DeployWindowsService } from './deploy-windows.service';
export { FreezePeriodsService } from './freeze-periods.service';
export { DeployScheduleService } from './deploy-schedule.service';
export { ApprovalsService } from './approvals.service';
export { CurrentDeploymentsService } from './current-deployments.service';
export { DeploymentPinsService } from './deployment-pins.service';
export { PromotionPoliciesService } from './promotion-policies.service';
export {
  DeploymentGate,
  DeploymentGateContext,
  DeploymentGates,
  GateDecision,
  GatePhase,
  GateResult,
  overrideOf,
} from './gates/deployment-gate';
export {
  ReleaseModel,
  ReleaseCommit,
  ReleaseArtifact,
  ReleaseDiffModel,
  ReleaseSummary,
} from './dto/release.model';
export { PromotionPolicyModel } from './dto/promotion-policy.model';
export { DeploymentModel } from './dto/deployment.model';
export { DeployWindowModel, NextAllowedStartModel } from './dto/deploy-window.model';
export { FreezePeriodModel } from './dto/freeze-period.model';
export { ApprovalRuleModel, DeploymentApprovalModel } from './dto/approval.model';
export { FREEZE_GATE } from './gates/freeze.gate';
export { PIN_GATE } from './gates/pin.gate';
export { CurrentDeploymentModel } from './dto/current-deployment.model';
export { DeploymentPinModel } from './dto/deployment-pin.model';
export {
  DeploymentStatus,
  DEPLOYMENT_STATUSES,
  ACTIVE_STATUSES,
  allowedTransitions,
  canTransition,
  isFinished,
} from './deployment-status';
export { ReleaseErrors } from './release.errors';
export { deploymentLoader, releaseLoader } from './request-loaders';
