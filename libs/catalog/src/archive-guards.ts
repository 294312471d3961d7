import { Injectable } from '@nestjs/common';
import { Actor, AppError, FieldError } from '@opsplane/core';
import { CatalogErrors } from './catalog.errors';

/** What the catalog archives. */
export type ArchivableKind = 'service' | 'environment';

export interface ArchiveOptions {
  /**
   * The caller asked that deployments which have not started be canceled rather than refuse the
   * archive (`?cancelDeployments=true`, GraphQL `cancelDeployments: true`).
   */
  cancelDeployments?: boolean;
}

export interface ArchiveGuardContext extends Required<ArchiveOptions> {
  kind: ArchivableKind;
  id: string;
  slug: string;
  /** Who archives; changes a guard makes on the caller's request (cancellations) are theirs. */
  actor: Actor;
}

/**
 * Something another context keeps about a service or environment that must be settled before
 * it is archived (releases: its active deployments). The catalog knows none of them; they
 * register with `ArchiveGuards`.
 *
 * A guard runs inside the archive transaction, after the row being archived is locked: read
 * and write through `Transactions.manager()` (or anything that joins `Transactions.run`), and
 * lock what you judge, so what you saw is still true at the commit. It may settle what the
 * options allow (cancel) and returns what still stands in the way, one entry per blocker;
 * anything returned refuses the archive and rolls back whatever the guard did.
 */
export interface ArchiveGuard {
  /** Stable, lower-case; for logs and duplicate checks. */
  readonly name: string;
  settle(context: ArchiveGuardContext): Promise<FieldError[]>;
}

/**
 * The registry archive guards join, per kind. Modules register in `onModuleInit`, e.g.
 * `onModuleInit() { this.guards.register('environment', this); }`.
 */
@Injectable()
export class ArchiveGuards {
  private readonly guards: Record<ArchivableKind, Map<string, ArchiveGuard>> = {
    service: new Map(),
    environment: new Map(),
  };

  /** Adds a guard; returns a function that removes it again. */
  register(kind: ArchivableKind, guard: ArchiveGuard): () => void {
    const guards = this.guards[kind];
    if (guards.has(guard.name))
      throw new Error(`An archive guard named "${guard.name}" is already registered for ${kind}s`);
    guards.set(guard.name, guard);
    return () => {
      if (guards.get(guard.name) === guard) guards.delete(guard.name);
    };
  }

  /**
   * Runs every guard of the kind, one after another (they share the transaction's one
   * connection), and refuses with every blocker of every guard at once, the way a deployment
   * refused by its gates lists each failing gate. A guard that throws refuses the archive too:
   * the error propagates and the transaction rolls back.
   */
  async settle(context: ArchiveGuardContext): Promise<void> {
    const blockers: FieldError[] = [];
    for (const guard of this.guards[context.kind].values()) blockers.push(...(await guard.settle(context)));
    if (blockers.length === 0) return;
    throw new AppError(
      CatalogErrors.archiveBlocked,
      `${context.kind === 'service' ? 'Service' : 'Environment'} ${context.slug} cannot be archived yet: ` +
        `${blockers.map((blocker) => `${blocker.path} ${blocker.message}`).join('; ')}.`,
      { errors: blockers },
    );
  }
}
