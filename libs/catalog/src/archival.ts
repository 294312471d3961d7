import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  ErrorCode,
  Transactions,
  VersionedResource,
} from '@opsplane/core';
import { ArchivableKind, ArchiveGuards, ArchiveOptions } from './archive-guards';

/** What every archivable catalog row has. */
interface ArchivableEntity {
  id: string;
  slug: string;
  archivedAt: Date | null;
  updatedAt: Date;
}

/** A kind of catalog row that can be archived and restored, declared once per kind. */
export interface ArchivableRow<E extends ArchivableEntity, M extends object> {
  kind: ArchivableKind;
  /** Its name at the start of a sentence: `Service`, `Environment`. */
  label: string;
  resource: VersionedResource<E, M>;
  /** Refusing a change to an archived row. */
  archived: ErrorCode;
  /** Refusing to restore a row that is not archived. */
  notArchived: ErrorCode;
}

/** Refuses an archived row with its kind's code: `Service checkout-api ${what}.` */
export function refuseArchived<E extends ArchivableEntity>(
  row: ArchivableRow<E, object>,
  entity: Pick<E, 'slug' | 'archivedAt'>,
  what: string,
): void {
  if (entity.archivedAt) throw new AppError(row.archived, `${row.label} ${entity.slug} ${what}.`);
}

/**
 * Archive, restore and the lock other contexts take before referencing a row: the same for
 * services and environments, which differ only in their ArchivableRow.
 */
@Injectable()
export class Archival {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly guards: ArchiveGuards,
  ) {}

  /**
   * Hidden from lists, kept for history, restorable by an admin. Refused while another context
   * still has work for it (ArchiveGuards: releases refuses active deployments, or cancels the
   * ones not started when `cancelDeployments` is set).
   */
  archive<E extends ArchivableEntity, M extends object>(
    row: ArchivableRow<E, M>,
    actor: Actor,
    id: string,
    expectedVersion?: number,
    options: ArchiveOptions = {},
  ): Promise<M> {
    return this.transactions.run((manager) =>
      this.changes.edit(
        manager,
        actor,
        row.resource,
        { id, expectedVersion, verb: 'archived' },
        async (entity) => {
          refuseArchived(row, entity, 'is already archived');
          // Under the row lock: whatever the guards see cannot gain a deployment before the commit,
          // since requesting one locks this row for share first (lockUnarchived).
          await this.guards.settle({
            kind: row.kind,
            id,
            slug: entity.slug,
            actor,
            cancelDeployments: options.cancelDeployments ?? false,
          });
          const now = this.clock.now();
          return { ...entity, archivedAt: now, updatedAt: now };
        },
      ),
    );
  }

  /**
   * Undoes an archive (an admin act). No slug check: the slug indexes are unique over archived
   * rows too, so an archived row keeps its slug and nobody can have taken it meanwhile.
   * Deployments canceled by the archive stay canceled (finished states never change).
   */
  restore<E extends ArchivableEntity, M extends object>(
    row: ArchivableRow<E, M>,
    actor: Actor,
    id: string,
    expectedVersion?: number,
  ): Promise<M> {
    return this.transactions.run((manager) =>
      this.changes.edit(manager, actor, row.resource, { id, expectedVersion, verb: 'restored' }, (entity) => {
        if (!entity.archivedAt)
          throw new AppError(
            row.notArchived,
            `${row.label} ${entity.slug} is not archived; there is nothing to restore.`,
          );
        return { ...entity, archivedAt: null, updatedAt: this.clock.now() };
      }),
    );
  }

  /**
   * For another context about to write a row that references this one (releases, requesting a
   * deployment), inside its transaction: refuses an archived row and locks it for share, so an
   * archive waits for that transaction and its guards then see the new row (and an archive
   * already under way makes this wait, then refuse).
   */
  async lockUnarchived<E extends ArchivableEntity>(row: ArchivableRow<E, object>, id: string): Promise<void> {
    const found = await this.transactions
      .manager()
      .getRepository(row.resource.entity)
      .createQueryBuilder('row')
      .select(['row.id', 'row.slug', 'row.archivedAt'])
      .where('row.id = :id', { id })
      .setLock('pessimistic_read')
      .getOne();
    if (!found) throw row.resource.notFound(id);
    refuseArchived(row, found, 'is archived');
  }
}
