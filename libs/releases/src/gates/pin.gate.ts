import { Injectable, OnModuleInit } from '@nestjs/common';
import { DeploymentPinsService } from '../deployment-pins.service';
import { DeploymentGate, DeploymentGateContext, DeploymentGates, GateDecision } from './deployment-gate';

export const PIN_GATE = 'pin';

/**
 * A pinned service accepts only the release it is pinned to, at request and at start (a pin set
 * while a deployment waits stops it too). Nobody overrides a pin: unpinning is the explicit,
 * audited way through.
 */
@Injectable()
export class PinGate implements DeploymentGate, OnModuleInit {
  readonly name = PIN_GATE;

  constructor(
    private readonly gates: DeploymentGates,
    private readonly pins: DeploymentPinsService,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
  }

  async evaluate({ release, service, environment }: DeploymentGateContext): Promise<GateDecision> {
    const pin = await this.pins.find(environment.id, service.id);
    if (!pin) return { passed: true, reason: `${service.slug} is not pinned in ${environment.slug}.` };
    const heldAt = pin.releaseVersion ? `release ${pin.releaseVersion}` : 'no release';
    const since = `by ${pin.pinnedBy} since ${pin.pinnedAt.toISOString()} ("${pin.reason}")`;
    if (pin.releaseId === release.id)
      return {
        passed: true,
        reason: `${service.slug} is pinned in ${environment.slug} to this release ${since}.`,
      };
    return {
      passed: false,
      reason: `${service.slug} is pinned in ${environment.slug} to ${heldAt} ${since}; unpin it to deploy ${release.version}.`,
    };
  }
}
