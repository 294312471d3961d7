import { Injectable, OnModuleInit } from '@nestjs/common';
import { describeWindowRefusal, iso, toDeployWindow } from '../deploy-schedule';
import { DeployWindowsService } from '../deploy-windows.service';
import { DEFAULT_HORIZON_DAYS, evaluateWindows, nextAllowedStart } from '../schedule';
import { DeploymentGate, DeploymentGateContext, DeploymentGates, GateDecision } from './deployment-gate';

/**
 * Deploy windows of the environment (and of the service): deny beats allow, and once any allow
 * window applies a deployment starts only inside one. Judged at request and again at start, at
 * the injected clock's now. Not overridable: a window is the team's standing rule, a freeze the
 * exception that an admin may overrule.
 */
@Injectable()
export class DeployWindowGate implements DeploymentGate, OnModuleInit {
  readonly name = 'deploy-window';

  constructor(
    private readonly gates: DeploymentGates,
    private readonly windows: DeployWindowsService,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
  }

  async evaluate({ environment, service, now }: DeploymentGateContext): Promise<GateDecision> {
    const models = await this.windows.inScope(environment.id, service.id);
    const windows = models.map(toDeployWindow);
    const decision = evaluateWindows(windows, now);
    if (decision.allowed) return { passed: true, reason: `${capitalised(decision.reason)}.` };
    // Freezes are the freeze gate's to report; this says when the windows alone next allow a start.
    const next = nextAllowedStart(windows, now);
    const when = next
      ? `the windows next allow a start at ${iso(next.start)}`
      : `no window allows a start within ${DEFAULT_HORIZON_DAYS} days`;
    return {
      passed: false,
      reason: `${capitalised(describeWindowRefusal(models, decision))} at ${iso(now)}; ${when}. Deploy windows cannot be overridden.`,
    };
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
