import { Actor } from '@opsplane/core';
import { DeploymentModel } from '../dto/deployment.model';
import { FreezePeriodModel } from '../dto/freeze-period.model';
import { FreezePeriodsService } from '../freeze-periods.service';
import { DeploymentGateContext, DeploymentGates } from './deployment-gate';
import { FreezeGate } from './freeze.gate';

const admin: Actor = { kind: 'api_key', id: 'key-admin', name: 'release bot', role: 'admin', requestId: 'r' };

function freeze(id: string, fields: Partial<FreezePeriodModel>): FreezePeriodModel {
  return {
    id,
    environmentId: 'env',
    serviceId: null,
    reason: `reason of ${id}`,
    startsAt: null,
    endsAt: null,
    schedule: null,
    durationMinutes: null,
    timeZone: null,
    createdBy: 'key-admin',
    version: 1,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...fields,
  };
}

const oneOff = (id: string, startsAt: string, endsAt: string, createdAt = '2026-01-01T00:00:00Z') =>
  freeze(id, { startsAt: new Date(startsAt), endsAt: new Date(endsAt), createdAt: new Date(createdAt) });

function gateOver(freezes: FreezePeriodModel[]): FreezeGate {
  const service = { inScope: () => Promise.resolve(freezes) } as unknown as FreezePeriodsService;
  return new FreezeGate(new DeploymentGates(), service);
}

function context(now: string, fields: Partial<DeploymentGateContext> = {}): DeploymentGateContext {
  return {
    phase: 'request',
    environment: { id: 'env' },
    service: { id: 'svc' },
    deployment: null,
    now: new Date(now),
    actor: admin,
    overrides: {},
    ...fields,
  } as DeploymentGateContext;
}

/** A deployment requested at `requestedAt` whose request overrode a freeze. */
const overriddenAtRequest = (requestedAt: string) =>
  ({
    requestedAt: new Date(requestedAt),
    freezeOverrideReason: 'hotfix',
    freezeOverriddenBy: 'key-admin',
  }) as DeploymentModel;

describe('FreezeGate', () => {
  const january = oneOff('january', '2026-01-10T00:00:00Z', '2026-01-20T00:00:00Z');
  const weekends = freeze('weekends', { schedule: '0 0 * * 6', durationMinutes: 2880, timeZone: 'UTC' });

  it('passes when no freeze is in force, although some lie ahead', async () => {
    expect(await gateOver([january]).evaluate(context('2026-01-05T00:00:00Z'))).toEqual({
      passed: true,
      reason: 'No freeze is in force.',
    });
  });

  it('names every freeze in force and when deployments may start again, past freezes that overlap', async () => {
    // Saturday 2026-01-17: January and the weekend; January ends on Tuesday, the weekend before that.
    const decision = await gateOver([january, weekends]).evaluate(context('2026-01-17T12:00:00Z'));
    expect(decision).toEqual({
      passed: false,
      reason:
        'Frozen at 2026-01-17T12:00:00.000Z by freeze january ("reason of january") until 2026-01-20T00:00:00.000Z, ' +
        'freeze weekends ("reason of weekends") until 2026-01-19T00:00:00.000Z; deployments may start again at ' +
        '2026-01-20T00:00:00.000Z. An admin may override with freezeOverrideReason.',
    });
  });

  it('passes as overridden when the context carries an override, naming who and why', async () => {
    const decision = await gateOver([january]).evaluate(
      context('2026-01-12T00:00:00Z', { overrides: { freeze: 'INC-7' } }),
    );
    expect(decision).toEqual({
      passed: true,
      overridden: true,
      reason: expect.stringMatching(/^freeze january .* overridden by release bot \(key-admin\): INC-7$/),
    });
  });

  it('lets the start through on the override given at the request while the same freeze lasts', async () => {
    const decision = await gateOver([january]).evaluate(
      context('2026-01-15T00:00:00Z', {
        phase: 'start',
        deployment: overriddenAtRequest('2026-01-12T00:00:00Z'),
      }),
    );
    expect(decision).toMatchObject({
      passed: true,
      overridden: true,
      reason: expect.stringContaining('hotfix'),
    });
  });

  it('refuses the start for a freeze period that began, or a freeze created, after the request', async () => {
    const deployment = overriddenAtRequest('2026-01-12T00:00:00Z');
    const start = (freezes: FreezePeriodModel[], now: string) =>
      gateOver(freezes).evaluate(context(now, { phase: 'start', deployment }));
    // The weekend period of 2026-01-17 opened after the request on Monday the 12th.
    expect(await start([weekends], '2026-01-17T12:00:00Z')).toMatchObject({ passed: false });
    // In force since before the request, but created after it: the override did not know it.
    const backdated = oneOff(
      'backdated',
      '2026-01-01T00:00:00Z',
      '2026-02-01T00:00:00Z',
      '2026-01-13T00:00:00Z',
    );
    const refused = await start([january, backdated], '2026-01-15T00:00:00Z');
    expect(refused).toMatchObject({ passed: false });
    expect(refused.reason).toContain('freeze backdated');
    expect(refused.reason).not.toContain('freeze january');
  });

  it('does not carry an override from the request into a later request', async () => {
    const decision = await gateOver([january]).evaluate(
      context('2026-01-15T00:00:00Z', {
        phase: 'request',
        deployment: overriddenAtRequest('2026-01-12T00:00:00Z'),
      }),
    );
    expect(decision.passed).toBe(false);
  });
});
