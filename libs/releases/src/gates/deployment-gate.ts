import { Injectable, Logger } from '@nestjs/common';
import { EnvironmentModel, ServiceModel } from '@opsplane/catalog';
import { Actor } from '@opsplane/core';
import { DeploymentModel } from '../dto/deployment.model';
import { ReleaseModel } from '../dto/release.model';

/** When a gate runs: when a deployment is requested, and again when it moves to `running`. */
export type GatePhase = 'request' | 'start';

export interface DeploymentGateContext {
  phase: GatePhase;
  release: ReleaseModel;
  service: ServiceModel;
  environment: EnvironmentModel;
  /**
   * Null while the deployment is being requested (it does not exist yet). At the start, its
   * `gateOverrides` say what an admin overrode at the request.
   */
  deployment: DeploymentModel | null;
  /**
   * The instant judged, from the injected Clock so gates agree with each other and with tests: now,
   * or, when a scheduled deployment is requested, the time it is scheduled for (a deployment asked
   * for at 14:00 to run in the 02:00 window is judged at 02:00, and again at its real start).
   */
  now: Date;
  /** Who requests or starts the deployment. */
  actor: Actor;
  /**
   * Gate name → the reason the actor gave to pass that gate anyway (e.g. `{ freeze: 'INC-7 hotfix' }`).
   * The deployments service has already checked that the actor may override; gates that cannot
   * be overridden ignore this.
   */
  overrides: Readonly<Record<string, string>>;
}

export interface GateDecision {
  passed: boolean;
  /** Why, in words a release manager can act on; shown in the refusal when it did not pass. */
  reason: string;
  /** Set when the gate would have refused and passed only because of an override. */
  overridden?: boolean;
}

/**
 * A check a deployment must pass before it may be requested or started. Other contexts
 * (compliance, security) implement this and register with `DeploymentGates`; releases knows
 * none of them.
 *
 * Gates run while the caller may hold a database transaction (an idempotent request runs in
 * one): read through `Transactions.manager()` rather than a second connection from the pool,
 * or enough concurrent requests can wait on each other for connections.
 */
export interface DeploymentGate {
  /** Stable, lower-case; shown as `gate.<name>` in refusals. */
  readonly name: string;
  /**
   * True when an admin may pass it anyway with a reason (`gateOverrides` of a request or start);
   * the gate then sees the reason in `overrides[name]` and says `overridden` when it needed it.
   */
  readonly overridable?: boolean;
  evaluate(context: DeploymentGateContext): Promise<GateDecision>;
}

/**
 * The override rule every overridable gate follows, once: an admin's override now passes the gate;
 * an override given at the request also covers the start, but only for the problems known then
 * (those `since` no later than the request), so a problem that appeared after it refuses the start
 * until overridden again. Answers the decision when an override passes the gate, else the
 * problems left to refuse with.
 */
export function overrideOf<P>(
  gate: string,
  { overrides, actor, phase, deployment }: DeploymentGateContext,
  problems: P[],
  since: (problem: P) => Date,
  describe: (problems: P[]) => string,
): { decision: GateDecision } | { remaining: P[] } {
  const override = overrides[gate];
  if (override)
    return {
      decision: {
        passed: true,
        overridden: true,
        reason: `${describe(problems)} overridden by ${actor.name} (${actor.id}): ${override}`,
      },
    };
  const atRequest = deployment?.gateOverrides.find((given) => given.gate === gate);
  if (phase !== 'start' || !deployment || !atRequest) return { remaining: problems };
  const requestedAt = deployment.requestedAt.getTime();
  const remaining = problems.filter((problem) => since(problem).getTime() > requestedAt);
  if (remaining.length > 0) return { remaining };
  return {
    decision: {
      passed: true,
      overridden: true,
      reason: `Covered by the override at request by ${atRequest.by}: ${atRequest.reason}`,
    },
  };
}

export interface GateResult extends GateDecision {
  gate: string;
}

/**
 * The registry every gate joins. Modules register in `onModuleInit`, e.g.
 * `constructor(private readonly gates: DeploymentGates) {}  onModuleInit() { this.gates.register(this); }`.
 */
@Injectable()
export class DeploymentGates {
  private readonly logger = new Logger(DeploymentGates.name);
  private readonly gates = new Map<string, DeploymentGate>();

  /** Adds a gate; returns a function that removes it again (tests use it to add a gate for a while). */
  register(gate: DeploymentGate): () => void {
    if (this.gates.has(gate.name))
      throw new Error(`A deployment gate named "${gate.name}" is already registered`);
    this.gates.set(gate.name, gate);
    return () => {
      if (this.gates.get(gate.name) === gate) this.gates.delete(gate.name);
    };
  }

  names(): string[] {
    return [...this.gates.keys()];
  }

  /** Whether `gateOverrides` may name the gate. */
  isOverridable(name: string): boolean {
    return this.gates.get(name)?.overridable === true;
  }

  overridableNames(): string[] {
    return [...this.gates.values()].filter((gate) => gate.overridable).map((gate) => gate.name);
  }

  /**
   * Runs every gate and returns every result, so a refusal can list all the reasons at once
   * rather than one per attempt. A gate that throws counts as failed: a check that cannot be made
   * must not let a deployment through. One gate after another: inside a transaction they share its
   * one connection, where overlapping queries are deprecated by pg (removed in pg 9), and outside
   * one a few indexed lookups in a row cost less than several pool connections per request.
   */
  async evaluate(context: DeploymentGateContext): Promise<GateResult[]> {
    const results: GateResult[] = [];
    for (const gate of this.gates.values()) results.push(await this.evaluateOne(gate, context));
    return results;
  }

  private async evaluateOne(gate: DeploymentGate, context: DeploymentGateContext): Promise<GateResult> {
    try {
      const { passed, reason, overridden } = await gate.evaluate(context);
      return { gate: gate.name, passed, reason, ...(overridden ? { overridden } : {}) };
    } catch (error) {
      this.logger.error(
        `Deployment gate ${gate.name} failed to evaluate: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
      return {
        gate: gate.name,
        passed: false,
        reason: 'The gate could not be evaluated; see the server log.',
      };
    }
  }
}
