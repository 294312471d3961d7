import { SettingResource } from '@opsplane/core';
import { FindingSlaPolicyModel } from './dto/sla-policy.dto';
import { FindingSlaPolicyEntity } from './finding.entity';
import { FINDING_SEVERITIES, FindingSeverity } from './finding-status';

const DAY_MS = 86_400_000;

/** The policy's one key: it applies to every finding. */
export const GLOBAL_POLICY = 'global';

export type SlaDays = Record<FindingSeverity, number | null>;

/** DefectDojo's defaults, which the migration seeds. */
export const DEFAULT_SLA_DAYS: SlaDays = { critical: 7, high: 30, medium: 90, low: 120, info: null };

/** When a finding of `severity` opened at `openedAt` is due; null when the policy sets no days. */
export function slaDueAt(policy: SlaDays, severity: FindingSeverity, openedAt: Date): Date | null {
  const days = policy[severity];
  return days === null ? null : new Date(openedAt.getTime() + days * DAY_MS);
}

export function toSlaPolicyModel(row: FindingSlaPolicyEntity): FindingSlaPolicyModel {
  return {
    scope: row.scope,
    ...(Object.fromEntries(FINDING_SEVERITIES.map((severity) => [severity, row[severity]])) as SlaDays),
    version: row.version,
  };
}

export const SLA_POLICY: SettingResource<FindingSlaPolicyEntity, FindingSlaPolicyModel> = {
  entity: FindingSlaPolicyEntity,
  keyField: 'scope',
  primaryKey: 'finding_sla_policies_pkey',
  action: 'finding_sla_policy',
  targetType: 'finding_sla_policy',
  toModel: toSlaPolicyModel,
  absent: 'there is no SLA policy',
  concurrent: 'The SLA policy was changed meanwhile; fetch it again and retry.',
};
