import { AppError, ErrorCode } from './errors/app-error';

/**
 * A state machine as data, as a context declares it in its `<x>-status.ts`: the allowed next
 * statuses of each status, how a refusal names the thing (`Deployment 0190…`) and the code a
 * refused move answers (a `conflict`, 409).
 */
export interface StateMachine<S extends string> {
  readonly name: (id: string) => string;
  readonly next: Readonly<Record<S, readonly S[]>>;
  readonly refusal: ErrorCode;
}

/** The one place a transition is checked: the machine's refusal listing the allowed next statuses, unless `to` is one. */
export function assertTransition<S extends string>(
  machine: StateMachine<S>,
  thing: { id: string; status: S },
  to: S,
): void {
  const allowed = machine.next[thing.status];
  if (allowed.includes(to)) return;
  const allowedText = allowed.length > 0 ? allowed.join(', ') : `none (${thing.status} is final)`;
  throw new AppError(
    machine.refusal,
    `${machine.name(thing.id)} is ${thing.status} and cannot become ${to}; allowed next statuses: ${allowedText}.`,
    { errors: [{ path: 'status', message: `allowed next statuses: ${allowedText}` }] },
  );
}
