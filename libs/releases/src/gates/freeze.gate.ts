import { Injectable, OnModuleInit } from '@nestjs/common';
import { describeFreeze, iso, toFreeze } from '../deploy-schedule';
import { FreezePeriodModel } from '../dto/freeze-period.model';
import { FreezePeriodsService } from '../freeze-periods.service';
import { ActiveFreeze, activeFreezeAt, DEFAULT_HORIZON_DAYS, nextAllowedStart } from '../schedule';
import { DeploymentGate, DeploymentGateContext, DeploymentGates, GateDecision } from './deployment-gate';

export const FREEZE_GATE = 'freeze';

interface InForce {
  freeze: FreezePeriodModel;
  period: ActiveFreeze;
}

/**
 * Freeze periods of the environment (or of all environments) and of the service (or of all
 * services), at request and again at start. An admin may override with a reason
 * (`overrides.freeze`). An override given at the request also covers the start, but only for the
 * freeze periods that were already in force and known then: a freeze that begins (or is created)
 * after the request refuses the start until overridden again.
 */
@Injectable()
export class FreezeGate implements DeploymentGate, OnModuleInit {
  readonly name = FREEZE_GATE;

  constructor(
    private readonly gates: DeploymentGates,
    private readonly freezes: FreezePeriodsService,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
  }

  async evaluate(context: DeploymentGateContext): Promise<GateDecision> {
    const { environment, service, now, actor, overrides, deployment } = context;
    const freezes = await this.freezes.inScope(environment.id, service.id, now);
    let inForce = freezes.flatMap((freeze): InForce[] => {
      const period = activeFreezeAt([toFreeze(freeze)], now);
      return period ? [{ freeze, period }] : [];
    });
    if (inForce.length === 0) return { passed: true, reason: 'No freeze is in force.' };

    const override = overrides[this.name];
    if (override) {
      return {
        passed: true,
        overridden: true,
        reason: `${describeAll(inForce)} overridden by ${actor.name} (${actor.id}): ${override}`,
      };
    }
    if (context.phase === 'start' && deployment?.freezeOverrideReason) {
      const requestedAt = deployment.requestedAt.getTime();
      inForce = inForce.filter(
        ({ freeze, period }) =>
          period.start.getTime() > requestedAt || freeze.createdAt.getTime() > requestedAt,
      );
      if (inForce.length === 0) {
        return {
          passed: true,
          overridden: true,
          reason:
            `Covered by the override at request by ${deployment.freezeOverriddenBy}: ` +
            deployment.freezeOverrideReason,
        };
      }
    }
    const next = nextAllowedStart([], now, { freezes: freezes.map(toFreeze) });
    const until = next
      ? `deployments may start again at ${iso(next.start)}`
      : `no end within ${DEFAULT_HORIZON_DAYS} days`;
    return {
      passed: false,
      reason: `Frozen at ${iso(now)} by ${describeAll(inForce)}; ${until}. An admin may override with freezeOverrideReason.`,
    };
  }
}

function describeAll(inForce: InForce[]): string {
  return inForce.map(({ period }) => describeFreeze(period)).join(', ');
}
