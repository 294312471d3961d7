export {
  activePeriodAt,
  MAX_DURATION_MINUTES,
  periodsBetween,
  timeZoneProblem,
  validateRecurringPeriod,
  type Period,
  type RecurringPeriod,
} from './recurring-period';
export {
  activeFreezeAt,
  DEFAULT_HORIZON_DAYS,
  evaluateWindows,
  nextAllowedStart,
  type ActiveFreeze,
  type AllowedStart,
  type DeployWindow,
  type Freeze,
  type NextAllowedStartOptions,
  type OneOffFreeze,
  type RecurringFreeze,
  type WindowDecision,
  type WindowKind,
} from './deploy-windows';
export { localTimeToInstant } from './local-time';
