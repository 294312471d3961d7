import {
  EndpointInput,
  EnvironmentInputs,
  FindingInput,
  IncidentInput,
  ServiceInputs,
} from './control-inputs';
import { CompiledCheck, compileCheck, runCheck, toCelValues } from './control-language';
import { STARTER_CONTROLS, StarterControl } from './starter-library';

const NOW = '2026-03-15T12:00:00.000Z';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** NOW shifted by `ms` (negative: in the past), as the evidence stores instants. */
const at = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();

/**
 * A deep copy through JSON, the form evidence takes. Not structuredClone: under Jest it builds its
 * arrays in the host realm, and cel-js refuses arrays of another realm ("Unsupported type: Array").
 */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** What requirement ids look like, per framework (SOC 2 criteria, ISO 27001:2022 Annex A, CIS v8 safeguards). */
const REQUIREMENT_ID: Record<string, RegExp> = {
  soc2: /^(?:CC[1-9]\.\d|A1\.[1-3]|C1\.[12]|PI1\.[1-5]|P[1-8]\.\d)$/,
  iso27001: /^A\.[5-8]\.\d{1,2}$/,
  cis_v8: /^\d{1,2}\.\d{1,2}$/,
};

/** The response headers OWASP Secure Headers recommends adding (its headers_add list), lower-cased. */
const SECURE_HEADERS: Record<string, string> = {
  'cache-control': 'no-store, max-age=0',
  'content-security-policy':
    "default-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'deny',
  server: 'nginx',
};

function endpoint(url: string): EndpointInput {
  return {
    url,
    scannedAt: at(-2 * HOUR),
    reachable: true,
    tls: {
      protocols: ['TLSv1.2', 'TLSv1.3'],
      certificate: {
        validFrom: at(-30 * DAY),
        validTo: at(60 * DAY),
        daysToExpiry: 60,
        hostnameMatches: true,
        issuer: "Let's Encrypt R11",
      },
    },
    headers: { ...SECURE_HEADERS },
  };
}

function finding(fields: Partial<FindingInput>): FindingInput {
  return {
    kind: 'vulnerability',
    severity: 'medium',
    status: 'open',
    overdue: false,
    source: 'sbom',
    dedupKey: `key-${Math.random()}`,
    title: 'A finding',
    slaDueAt: at(30 * DAY),
    firstSeenAt: at(-3 * DAY),
    ...fields,
  };
}

function incident(fields: Partial<IncidentInput>): IncidentInput {
  return {
    id: `inc-${Math.random()}`,
    severity: 'SEV3',
    status: 'resolved',
    triggeredAt: at(-20 * DAY),
    acknowledgedAt: at(-20 * DAY + HOUR / 12),
    resolvedAt: at(-20 * DAY + 3 * HOUR),
    postmortem: null,
    ...fields,
  };
}

/** Findings every control passes on: an overdue high compliance finding is left to its own control. */
const BASELINE_FINDINGS: FindingInput[] = [
  finding({ severity: 'medium' }),
  finding({ severity: 'high', status: 'triaged', firstSeenAt: at(-20 * DAY), slaDueAt: at(10 * DAY) }),
  finding({
    kind: 'compliance',
    severity: 'high',
    overdue: true,
    slaDueAt: at(-DAY),
    firstSeenAt: at(-40 * DAY),
  }),
  finding({ kind: 'compliance', severity: 'critical', firstSeenAt: at(-30 * DAY) }),
  finding({
    kind: 'endpoint',
    severity: 'low',
    overdue: true,
    slaDueAt: at(-DAY),
    firstSeenAt: at(-200 * DAY),
  }),
];

const PLATFORM = {
  auditChainIntact: true,
  adminKeys: [
    { name: 'release bot', createdAt: at(-30 * DAY), expiresAt: at(60 * DAY), lastUsedAt: at(-HOUR) },
    { name: 'new key', createdAt: at(-2 * DAY), expiresAt: at(88 * DAY), lastUsedAt: null },
  ],
};

/** A compliant production environment: every environment control passes on it. */
function baselineEnvironment(): EnvironmentInputs {
  const urls = ['https://shop.example.com', 'https://api.example.com'];
  return {
    environment: {
      id: 'env-prod',
      slug: 'production',
      name: 'Production',
      tier: 'production',
      rank: 3,
      protected: true,
      endpointUrls: urls,
      facts: {
        backups: { enabled: true, retentionDays: 35, lastRestoreTestAt: at(-40 * DAY) },
        encryption: { atRest: true },
        auth: { mfaRequiredForAdmins: true },
        access: { lastReviewedAt: '2026-02-01T09:30:00+01:00' },
        monitoring: { alerting: true },
        logging: { centralized: true, retentionDays: 365 },
        vulnerabilityScanning: { enabled: true },
        isolation: { separatedFromNonProduction: true },
      },
    },
    endpoints: urls.map(endpoint),
    findings: copy(BASELINE_FINDINGS),
    deployments: [
      ['succeeded', false],
      ['succeeded', true],
      ['failed', false],
      ['running', false],
      ['queued', false],
      ['pending_approval', false],
      ['rejected', false],
      ['canceled', false],
    ].map(([status, overridden], index) => {
      const approved = !['pending_approval', 'rejected', 'canceled'].includes(status as string);
      return {
        id: `dep-${index}`,
        status: status as string,
        releaseId: `release-${index}`,
        serviceId: 'svc-checkout',
        approvalsRequired: 1,
        approvalsReceived: approved ? 1 : 0,
        isApproved: approved,
        requestedBy: 'key-release-bot',
        requestedAt: at(-(index + 1) * DAY),
        finishedAt: ['succeeded', 'failed', 'rejected', 'canceled'].includes(status as string)
          ? at(-(index + 1) * DAY + HOUR)
          : null,
        overridden: overridden as boolean,
      };
    }),
    incidents: [
      incident({
        severity: 'SEV1',
        resolvedAt: at(-20 * DAY + 10 * HOUR),
        postmortem: { status: 'published', publishedAt: at(-17 * DAY) },
      }),
      incident({ severity: 'SEV2', triggeredAt: at(-3 * DAY), resolvedAt: at(-2 * DAY), postmortem: null }),
      incident({ severity: 'SEV2', status: 'acknowledged', triggeredAt: at(-2 * HOUR), resolvedAt: null }),
      incident({ severity: 'SEV3', status: 'triggered', triggeredAt: at(-5 * HOUR), resolvedAt: null }),
      incident({ severity: 'SEV4', resolvedAt: at(-19 * DAY) }),
    ],
    policies: {
      approvalRule: { requiredApprovals: 1, approverRole: 'approver' },
      freezePeriods: [
        { startsAt: at(20 * DAY), endsAt: at(23 * DAY), schedule: null, reason: 'quarter close' },
      ],
      deployWindows: [
        { kind: 'allow', schedule: '0 9 * * 1-5', durationMinutes: 480, timeZone: 'Europe/Berlin' },
        { kind: 'deny', schedule: '0 0 24 12 *', durationMinutes: 2880, timeZone: 'Europe/Berlin' },
      ],
      promotionPolicy: { enabled: true, fromRanks: [2], minimumSuccesses: 1 },
    },
    platform: copy(PLATFORM),
    now: NOW,
  };
}

/** A compliant critical service: every service control passes on it. */
function baselineService(): ServiceInputs {
  return {
    service: {
      id: 'svc-checkout',
      slug: 'checkout-api',
      name: 'Checkout API',
      ownerTeam: 'payments',
      criticality: 'critical',
    },
    findings: copy(BASELINE_FINDINGS),
    incidents: [incident({ severity: 'SEV2', triggeredAt: at(-3 * DAY), resolvedAt: at(-2 * DAY) })],
    platform: copy(PLATFORM),
    now: NOW,
  };
}

type Facts = Record<string, Record<string, unknown>>;
const factsOf = (inputs: EnvironmentInputs) => inputs.environment.facts as Facts;

/** Per environment control: a change of the compliant baseline that makes it fail. */
const ENVIRONMENT_FAILURES: Record<string, (inputs: EnvironmentInputs) => void> = {
  'tls-minimum-version-1-2': (inputs) => {
    inputs.endpoints[1].tls!.protocols = ['TLSv1', 'TLSv1.1', 'TLSv1.2'];
  },
  'tls-certificate-valid-14-days': (inputs) => {
    inputs.endpoints[0].tls!.certificate!.validTo = at(10 * DAY);
  },
  'tls-certificate-hostname-matches': (inputs) => {
    inputs.endpoints[0].tls!.certificate!.hostnameMatches = false;
  },
  'hsts-enabled': (inputs) => {
    inputs.endpoints[0].headers!['strict-transport-security'] = 'max-age=86400; includeSubDomains';
  },
  'x-content-type-options-nosniff': (inputs) => {
    delete inputs.endpoints[1].headers!['x-content-type-options'];
  },
  'content-security-policy-present': (inputs) => {
    delete inputs.endpoints[0].headers!['content-security-policy'];
  },
  'clickjacking-protection': (inputs) => {
    delete inputs.endpoints[0].headers!['x-frame-options'];
    inputs.endpoints[0].headers!['content-security-policy'] = "default-src 'self'";
  },
  'no-technology-disclosure-headers': (inputs) => {
    inputs.endpoints[0].headers!['x-powered-by'] = 'Express';
  },
  'endpoints-scanned': (inputs) => {
    inputs.endpoints.pop();
  },
  'endpoints-reachable': (inputs) => {
    inputs.endpoints[1] = { ...inputs.endpoints[1], reachable: false, tls: null, headers: null };
  },
  'no-critical-vulnerabilities-past-sla': (inputs) => {
    inputs.findings.push(
      finding({ severity: 'critical', overdue: true, slaDueAt: at(-DAY), firstSeenAt: at(-8 * DAY) }),
    );
  },
  'no-high-findings-past-sla': (inputs) => {
    // Past its due date, though the sweep has not flagged it yet.
    inputs.findings.push(
      finding({ kind: 'endpoint', severity: 'high', slaDueAt: at(-HOUR), firstSeenAt: at(-31 * DAY) }),
    );
  },
  'production-deploy-approval-required': (inputs) => {
    inputs.policies.approvalRule = null;
  },
  'production-deployments-approved': (inputs) => {
    Object.assign(inputs.deployments[0], {
      approvalsRequired: null,
      approvalsReceived: 0,
      isApproved: false,
    });
  },
  'production-freeze-policy-defined': (inputs) => {
    inputs.policies.freezePeriods = [];
    inputs.policies.deployWindows = inputs.policies.deployWindows.filter((window) => window.kind === 'allow');
  },
  'production-deploy-windows-defined': (inputs) => {
    inputs.policies.deployWindows = inputs.policies.deployWindows.filter((window) => window.kind === 'deny');
  },
  'production-promotion-policy-enabled': (inputs) => {
    inputs.policies.promotionPolicy = { enabled: false, fromRanks: [2], minimumSuccesses: 1 };
  },
  'gate-overrides-exceptional': (inputs) => {
    for (const deployment of inputs.deployments.slice(2, 5)) deployment.overridden = true;
  },
  'incident-postmortems-published': (inputs) => {
    inputs.incidents.push(
      incident({
        severity: 'SEV2',
        triggeredAt: at(-7 * DAY),
        resolvedAt: at(-6 * DAY),
        postmortem: { status: 'draft', publishedAt: null },
      }),
    );
  },
  'sev1-incidents-resolved-within-2-days': (inputs) => {
    inputs.incidents.push(
      incident({ severity: 'SEV1', status: 'mitigated', triggeredAt: at(-3 * DAY), resolvedAt: null }),
    );
  },
  'major-incidents-acknowledged': (inputs) => {
    inputs.incidents.push(
      incident({ severity: 'SEV1', status: 'triggered', triggeredAt: at(-HOUR), resolvedAt: null }),
    );
  },
  'backups-enabled-30-days-retention': (inputs) => {
    factsOf(inputs).backups.retentionDays = 7;
  },
  'backup-restore-tested': (inputs) => {
    factsOf(inputs).backups.lastRestoreTestAt = at(-200 * DAY);
  },
  'encryption-at-rest': (inputs) => {
    factsOf(inputs).encryption.atRest = false;
  },
  'mfa-required-for-admin-access': (inputs) => {
    delete factsOf(inputs).auth;
  },
  'access-reviewed-90-days': (inputs) => {
    // A date without a time is not an instant: the check fails rather than errs.
    factsOf(inputs).access.lastReviewedAt = '2026-02-01';
  },
  'admin-api-keys-expire-90-days': (inputs) => {
    inputs.platform.adminKeys[0].expiresAt = null;
  },
  'admin-api-keys-not-dormant': (inputs) => {
    inputs.platform.adminKeys[0].lastUsedAt = at(-100 * DAY);
  },
  'audit-chain-intact': (inputs) => {
    inputs.platform.auditChainIntact = false;
  },
  'monitoring-alerting-enabled': (inputs) => {
    factsOf(inputs).monitoring.alerting = 'yes';
  },
  'logs-centralized-90-days': (inputs) => {
    factsOf(inputs).logging.retentionDays = 30;
  },
  'vulnerability-scanning-enabled': (inputs) => {
    delete factsOf(inputs).vulnerabilityScanning;
  },
  'production-isolated-from-non-production': (inputs) => {
    factsOf(inputs).isolation.separatedFromNonProduction = false;
  },
};

/** Per service control: a change of the compliant baseline that makes it fail. */
const SERVICE_FAILURES: Record<string, (inputs: ServiceInputs) => void> = {
  'service-has-owner-team': (inputs) => {
    inputs.service.ownerTeam = ' TBD ';
  },
  'critical-service-no-open-critical-findings': (inputs) => {
    inputs.findings.push(finding({ severity: 'critical', status: 'triaged', slaDueAt: at(5 * DAY) }));
  },
  'service-no-vulnerabilities-past-sla': (inputs) => {
    inputs.findings.push(finding({ severity: 'high', status: 'triaged', overdue: true, slaDueAt: at(-DAY) }));
  },
  'service-findings-triaged-7-days': (inputs) => {
    inputs.findings.push(finding({ severity: 'high', firstSeenAt: at(-10 * DAY), slaDueAt: at(20 * DAY) }));
  },
};

const compiled = new Map<string, CompiledCheck>();
function checkOf(control: StarterControl): CompiledCheck {
  let check = compiled.get(control.slug);
  if (!check) {
    const result = compileCheck(control.subjectType, control.expression);
    if ('problem' in result) throw new Error(`${control.slug}: ${JSON.stringify(result.problem)}`);
    check = result.check;
    compiled.set(control.slug, check);
  }
  return check;
}

const outcome = (control: StarterControl, inputs: EnvironmentInputs | ServiceInputs) =>
  runCheck(checkOf(control), toCelValues(inputs as unknown as Record<string, unknown>));

const ENVIRONMENT_CONTROLS = STARTER_CONTROLS.filter((control) => control.subjectType === 'environment');
const SERVICE_CONTROLS = STARTER_CONTROLS.filter((control) => control.subjectType === 'service');
const bySlug = (controls: readonly StarterControl[]) =>
  controls.map((control) => [control.slug, control] as const);

/** Controls that read the environment's facts. */
const FACT_CONTROLS = ENVIRONMENT_CONTROLS.filter((control) =>
  control.expression.includes('environment.facts'),
);
/** Controls over the endpoint scans' TLS and headers (vacuous without reachable endpoints). */
const ENDPOINT_CONTROLS = ENVIRONMENT_CONTROLS.filter((control) =>
  control.expression.startsWith('endpoints.all(e, !e.reachable ||'),
);

describe('the starter library', () => {
  it('holds at least 28 controls with unique, valid slugs', () => {
    expect(STARTER_CONTROLS.length).toBeGreaterThanOrEqual(28);
    const slugs = STARTER_CONTROLS.map((control) => control.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) expect(slug).toMatch(SLUG);
  });

  it.each(bySlug(STARTER_CONTROLS))('%s compiles for its subject type', (_slug, control) => {
    const result = compileCheck(control.subjectType, control.expression);
    expect('problem' in result ? result.problem : undefined).toBeUndefined();
  });

  it.each(bySlug(STARTER_CONTROLS))('%s maps to 1–4 framework requirements', (_slug, control) => {
    expect(control.frameworks.length).toBeGreaterThanOrEqual(1);
    expect(control.frameworks.length).toBeLessThanOrEqual(4);
    const keys = control.frameworks.map(({ framework, requirement }) => `${framework}:${requirement}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const { framework, requirement } of control.frameworks)
      expect(requirement).toMatch(REQUIREMENT_ID[framework]);
  });

  it.each(bySlug(STARTER_CONTROLS))('%s is documented and scoped for its subject type', (_slug, control) => {
    expect(control.title.trim()).not.toBe('');
    expect(control.description.trim()).not.toBe('');
    expect(control.remediation.trim()).not.toBe('');
    if (control.subjectType === 'service') {
      expect(control.scope.tiers).toBeUndefined();
      expect(control.scope.protected).toBeUndefined();
    } else expect(control.scope.criticalities).toBeUndefined();
  });

  it('enforces only a handful of controls, all of them on production', () => {
    const enforced = STARTER_CONTROLS.filter((control) => control.mode === 'enforce');
    expect(enforced.map((control) => control.slug).sort()).toEqual([
      'no-critical-vulnerabilities-past-sla',
      'production-deploy-approval-required',
      'tls-minimum-version-1-2',
    ]);
    for (const control of enforced) expect(control.scope).toEqual({ tiers: ['production'] });
  });

  it('is frozen, so no caller edits the shared data in place', () => {
    for (const control of STARTER_CONTROLS) {
      expect(Object.isFrozen(control)).toBe(true);
      expect(Object.isFrozen(control.scope)).toBe(true);
      expect(Object.isFrozen(control.frameworks[0])).toBe(true);
    }
  });

  it('has a failing example for every control, and none for a control it does not hold', () => {
    expect(Object.keys(ENVIRONMENT_FAILURES).sort()).toEqual(ENVIRONMENT_CONTROLS.map((c) => c.slug).sort());
    expect(Object.keys(SERVICE_FAILURES).sort()).toEqual(SERVICE_CONTROLS.map((c) => c.slug).sort());
  });
});

describe('environment controls', () => {
  it.each(bySlug(ENVIRONMENT_CONTROLS))('%s passes on the compliant baseline', (_slug, control) => {
    expect(outcome(control, baselineEnvironment())).toEqual({ outcome: 'passed' });
  });

  it.each(bySlug(ENVIRONMENT_CONTROLS))('%s fails on its counter-example', (slug, control) => {
    const inputs = copy(baselineEnvironment());
    ENVIRONMENT_FAILURES[slug](inputs);
    expect(outcome(control, inputs)).toEqual({ outcome: 'failed' });
  });

  it('fail, never err, when the environment records no facts', () => {
    const inputs = baselineEnvironment();
    inputs.environment.facts = {};
    for (const control of ENVIRONMENT_CONTROLS) {
      const expected = FACT_CONTROLS.includes(control) ? 'failed' : 'passed';
      expect([control.slug, outcome(control, inputs)]).toEqual([control.slug, { outcome: expected }]);
    }
  });

  it('fail, never err, on facts of the wrong types', () => {
    const inputs = baselineEnvironment();
    inputs.environment.facts = {
      backups: { enabled: 'true', retentionDays: '35', lastRestoreTestAt: 1_700_000_000 },
      encryption: 'yes',
      auth: { mfaRequiredForAdmins: 1 },
      access: { lastReviewedAt: 'last week' },
      monitoring: [true],
      logging: { centralized: 'true', retentionDays: 90.5 },
      vulnerabilityScanning: null,
      isolation: { separatedFromNonProduction: {} },
    };
    for (const control of FACT_CONTROLS)
      expect([control.slug, outcome(control, inputs)]).toEqual([control.slug, { outcome: 'failed' }]);
  });

  it('skip unreachable endpoints in the TLS and header checks, without errors', () => {
    const inputs = baselineEnvironment();
    inputs.endpoints = inputs.endpoints.map((scan) => ({
      ...scan,
      reachable: false,
      tls: null,
      headers: null,
    }));
    for (const control of ENVIRONMENT_CONTROLS) {
      const expected = control.slug === 'endpoints-reachable' ? 'failed' : 'passed';
      expect([control.slug, outcome(control, inputs)]).toEqual([control.slug, { outcome: expected }]);
    }
  });

  it('pass the endpoint checks vacuously when the environment has no endpoints', () => {
    const inputs = baselineEnvironment();
    inputs.environment.endpointUrls = [];
    inputs.endpoints = [];
    expect(ENDPOINT_CONTROLS.length).toBeGreaterThanOrEqual(7);
    for (const control of [
      ...ENDPOINT_CONTROLS,
      ...ENVIRONMENT_CONTROLS.filter((c) => c.slug.startsWith('endpoints-')),
    ])
      expect([control.slug, outcome(control, inputs)]).toEqual([control.slug, { outcome: 'passed' }]);
  });

  it('fail the TLS and certificate checks on a reachable endpoint without TLS', () => {
    const inputs = baselineEnvironment();
    inputs.endpoints[0] = { ...inputs.endpoints[0], url: 'http://shop.example.com', tls: null };
    for (const slug of [
      'tls-minimum-version-1-2',
      'tls-certificate-valid-14-days',
      'tls-certificate-hostname-matches',
    ])
      expect([
        slug,
        outcome(
          STARTER_CONTROLS.find((c) => c.slug === slug)!,
          inputs,
        ),
      ]).toEqual([slug, { outcome: 'failed' }]);
  });

  it.each([
    ['max-age=63072000; includeSubDomains; preload', 'passed'],
    ['includeSubDomains; max-age=31536000', 'passed'],
    ['max-age="15552000"', 'passed'],
    ['MAX-AGE=31536000', 'passed'],
    ['max-age=15551999', 'failed'],
    ['max-age=0', 'failed'],
    ['max-age=abc', 'failed'],
    ['max-age=31536000; max-age=31536000', 'failed'],
    ['includeSubDomains', 'failed'],
    ['', 'failed'],
  ])('judge Strict-Transport-Security %j as %s', (value, expected) => {
    const inputs = baselineEnvironment();
    inputs.endpoints[0].headers!['strict-transport-security'] = value;
    expect(
      outcome(
        STARTER_CONTROLS.find((c) => c.slug === 'hsts-enabled')!,
        inputs,
      ),
    ).toEqual({ outcome: expected });
  });

  it('count a finding as past its SLA when flagged overdue or when its due date has passed', () => {
    const control = STARTER_CONTROLS.find((c) => c.slug === 'no-critical-vulnerabilities-past-sla')!;
    const inputs = baselineEnvironment();
    inputs.findings.push(finding({ severity: 'critical', slaDueAt: at(DAY) }));
    expect(outcome(control, inputs)).toEqual({ outcome: 'passed' });
    inputs.findings.push(finding({ severity: 'critical', overdue: true, slaDueAt: null }));
    expect(outcome(control, inputs)).toEqual({ outcome: 'failed' });
  });
});

describe('service controls', () => {
  it.each(bySlug(SERVICE_CONTROLS))('%s passes on the compliant baseline', (_slug, control) => {
    expect(outcome(control, baselineService())).toEqual({ outcome: 'passed' });
  });

  it.each(bySlug(SERVICE_CONTROLS))('%s fails on its counter-example', (slug, control) => {
    const inputs = copy(baselineService());
    SERVICE_FAILURES[slug](inputs);
    expect(outcome(control, inputs)).toEqual({ outcome: 'failed' });
  });

  it('answer without errors for a service with no findings or incidents', () => {
    const inputs = { ...baselineService(), findings: [], incidents: [] };
    for (const control of SERVICE_CONTROLS)
      expect([control.slug, outcome(control, inputs)]).toEqual([control.slug, { outcome: 'passed' }]);
  });
});
