import { errorCode } from '@opsplane/core';

/** Error codes of the releases context (releases, deployments, gates). */
export const ReleaseErrors = {
  releaseNotFound: errorCode('release.not_found', 'not_found', 'Release not found'),
  versionExists: errorCode('release.version_exists', 'conflict', 'Release version already exists'),
  immutable: errorCode('release.immutable', 'conflict', 'Release is immutable once deployed'),
  diffAcrossServices: errorCode(
    'release.diff_across_services',
    'unprocessable',
    'Only releases of the same service can be compared',
  ),
  deploymentNotFound: errorCode('deployment.not_found', 'not_found', 'Deployment not found'),
  gatesFailed: errorCode('deployment.gates_failed', 'conflict', 'Deployment refused by its gates'),
  illegalTransition: errorCode(
    'deployment.illegal_transition',
    'conflict',
    'Illegal deployment status transition',
  ),
  alreadyRunning: errorCode(
    'deployment.already_running',
    'conflict',
    'Another deployment of this service is running in this environment',
  ),
  reasonRequired: errorCode('deployment.reason_required', 'invalid', 'A reason is required'),
  overrideForbidden: errorCode(
    'deployment.override_forbidden',
    'forbidden',
    'Only an admin may override a freeze',
  ),
  deployWindowNotFound: errorCode('deploy_window.not_found', 'not_found', 'Deploy window not found'),
  freezePeriodNotFound: errorCode('freeze_period.not_found', 'not_found', 'Freeze period not found'),
  approvalRuleNotFound: errorCode('approval_rule.not_found', 'not_found', 'Approval rule not found'),
  approvalRoleRequired: errorCode(
    'approval.role_required',
    'forbidden',
    'The approval rule requires another role',
  ),
  selfApproval: errorCode('approval.self_approval', 'forbidden', 'The requester cannot approve'),
  alreadyDecided: errorCode('approval.already_decided', 'conflict', 'Already decided on this deployment'),
  approvalMissing: errorCode('approval.missing', 'conflict', 'The deployment is not approved yet'),
  noAllowedWindow: errorCode(
    'deployment.no_allowed_window',
    'conflict',
    'No allowed deployment window within the horizon',
  ),
  notRollbackable: errorCode(
    'deployment.not_rollbackable',
    'conflict',
    'Only the latest succeeded or failed deployment can be rolled back',
  ),
  alreadyRolledBack: errorCode('deployment.already_rolled_back', 'conflict', 'Already rolled back'),
  nothingToRollBackTo: errorCode(
    'deployment.nothing_to_roll_back_to',
    'conflict',
    'No earlier succeeded release to roll back to',
  ),
  pinNotFound: errorCode('deployment_pin.not_found', 'not_found', 'The service is not pinned here'),
  promotionPolicyNotFound: errorCode(
    'promotion_policy.not_found',
    'not_found',
    'The environment has no promotion policy',
  ),
  promotionPolicyInvalid: errorCode('promotion_policy.invalid', 'invalid', 'Invalid promotion policy'),
} as const;
