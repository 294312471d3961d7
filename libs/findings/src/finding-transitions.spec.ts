import { FindingEntity } from './finding.entity';
import { changeStatus } from './finding-transitions';
import { DEFAULT_SLA_DAYS } from './sla-policy';

const DAY = 86_400_000;
const opened = new Date('2033-01-01T00:00:00Z');
const now = new Date('2033-02-01T00:00:00Z');

function finding(fields: Partial<FindingEntity>): FindingEntity {
  return {
    id: '0190a0a0-0000-7000-8000-000000000001',
    kind: 'compliance',
    source: 'compliance',
    dedupKey: 'tls',
    subjectType: 'environment',
    subjectId: '0190a0a0-0000-7000-8000-000000000002',
    serviceId: null,
    title: 'TLS 1.0 offered',
    description: null,
    severity: 'high',
    severityRank: 1,
    status: 'open',
    evidence: {},
    firstSeenAt: opened,
    lastSeenAt: opened,
    openedAt: opened,
    resolvedAt: null,
    reopenCount: 0,
    slaDueAt: new Date(opened.getTime() + 30 * DAY),
    slaBreachedAt: new Date(opened.getTime() + 30 * DAY),
    statusReason: null,
    statusChangedBy: 'system:compliance',
    statusChangedAt: opened,
    justification: null,
    acceptedBy: null,
    acceptedUntil: null,
    version: 3,
    createdAt: opened,
    updatedAt: opened,
    ...fields,
  };
}

describe('changeStatus', () => {
  it('starts a new SLA clock when a resolved finding reopens', () => {
    const next = changeStatus(
      finding({ status: 'resolved', resolvedAt: opened }),
      { to: 'open', by: 'system:compliance', reason: 'Seen again' },
      now,
      DEFAULT_SLA_DAYS,
    );
    expect(next).toMatchObject({
      status: 'open',
      openedAt: now,
      resolvedAt: null,
      reopenCount: 1,
      slaDueAt: new Date(now.getTime() + 30 * DAY),
      slaBreachedAt: null,
      firstSeenAt: opened,
      version: 4,
    });
  });

  it('keeps the SLA clock when an accepted risk comes back to open, and drops the acceptance', () => {
    const accepted = finding({
      status: 'accepted',
      acceptedBy: 'Dana Scully',
      acceptedUntil: now,
      justification: 'protected_at_perimeter',
    });
    const next = changeStatus(
      accepted,
      { to: 'open', by: 'system:findings', reason: 'expired' },
      now,
      DEFAULT_SLA_DAYS,
    );
    expect(next).toMatchObject({
      openedAt: opened,
      slaDueAt: accepted.slaDueAt,
      slaBreachedAt: accepted.slaBreachedAt,
      reopenCount: 0,
      acceptedBy: null,
      acceptedUntil: null,
      justification: null,
    });
  });

  it('stamps resolvedAt and keeps a justification only for accepted and false_positive', () => {
    const resolved = changeStatus(
      finding({}),
      { to: 'resolved', by: 'x', reason: null },
      now,
      DEFAULT_SLA_DAYS,
    );
    expect(resolved).toMatchObject({ resolvedAt: now, statusChangedAt: now, statusChangedBy: 'x' });
    const falsePositive = changeStatus(
      finding({}),
      { to: 'false_positive', by: 'x', reason: 'dev only', justification: 'code_not_reachable' },
      now,
      DEFAULT_SLA_DAYS,
    );
    expect(falsePositive).toMatchObject({ justification: 'code_not_reachable', resolvedAt: null });
  });
});
