import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertValid,
  canonicalJson,
  ChangeRecorder,
  Clock,
  definedOnly,
  isUuid,
  KeysetOrder,
  loadForUpdate,
  newId,
  onUniqueViolation,
  Page,
  PageArgs,
  paginate,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { ComplianceErrors } from '../compliance.errors';
import {
  ControlModel,
  ControlVersionModel,
  CreateControlInput,
  FrameworkMappingModel,
  ListControlsArgs,
  UpdateControlInput,
} from '../dto/control.dto';
import { requirement } from '../frameworks/frameworks';
import { ControlDefinition, ControlEntity, ControlVersionEntity, FrameworkMapping } from './control.entity';
import { definitionProblems, normalisedScope, uniqueMappings } from './control-rules';

const DEFINITION_FIELDS = [
  'title',
  'description',
  'severity',
  'frameworks',
  'subjectType',
  'scope',
  'mode',
  'expression',
  'remediation',
] as const satisfies readonly (keyof ControlDefinition)[];

/**
 * Controls as code: each save is checked whole (CEL, framework ids, scope) and makes a new
 * immutable version (`compliance_control_versions`); the control row carries the latest, which
 * scans evaluate and results point at by (control, version).
 */
@Injectable()
export class ControlsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
  ) {}

  /** A new control at version 1; `origin` is `starter` only for the shipped library. */
  async create(
    actor: Actor,
    input: CreateControlInput,
    origin: 'starter' | 'custom' = 'custom',
  ): Promise<ControlModel> {
    const definition = definitionOf(input);
    assertValid(definitionProblems(definition), 'control');
    const now = this.clock.now();
    const control: ControlEntity = {
      id: newId(),
      slug: input.slug,
      ...definition,
      origin,
      version: 1,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
    return this.transactions.run(async (manager) => {
      await onUniqueViolation(
        () => manager.insert(ControlEntity, control),
        'compliance_controls_slug_key',
        () => new AppError(ComplianceErrors.controlSlugTaken, `A control with slug "${input.slug}" exists.`),
      );
      await this.saveVersion(manager, control, actor, now);
      const after = toControlModel(control);
      await this.changes.record(manager, actor, {
        action: 'compliance_control.created',
        targetType: 'compliance_control',
        targetId: control.id,
        after,
      });
      return after;
    });
  }

  /**
   * Changes what was sent, making version + 1 (If-Match / expectedVersion compares the current
   * version). Sending only what is stored changes nothing and makes no version.
   */
  async update(
    actor: Actor,
    idOrSlug: string,
    input: UpdateControlInput,
    expectedVersion?: number,
  ): Promise<ControlModel> {
    return this.transactions.run(async (manager) => {
      const found = await this.find(manager, idOrSlug);
      if (!found) throw notFound(idOrSlug);
      const current = await loadForUpdate(manager, ControlEntity, found.id, expectedVersion, () =>
        notFound(idOrSlug),
      );
      const merged = definitionOf({ ...pickDefinition(current), ...definedOnly(input) });
      assertValid(definitionProblems(merged), 'control');
      // jsonb hands keys back in its own order: compare canonically.
      if (canonicalJson(pickDefinition(current)) === canonicalJson(merged)) return toControlModel(current);
      const now = this.clock.now();
      const next: ControlEntity = { ...current, ...merged, version: current.version + 1, updatedAt: now };
      await manager.update(
        ControlEntity,
        { id: current.id },
        { ...merged, version: next.version, updatedAt: now },
      );
      await this.saveVersion(manager, next, actor, now);
      const after = toControlModel(next);
      await this.changes.record(manager, actor, {
        action: 'compliance_control.updated',
        targetType: 'compliance_control',
        targetId: current.id,
        before: toControlModel(current),
        after,
      });
      return after;
    });
  }

  async get(idOrSlug: string): Promise<ControlModel> {
    const found = await this.lookUp(idOrSlug);
    if (!found) throw notFound(idOrSlug);
    return found;
  }

  /** The control, or null when there is none (for callers that report a missing reference their own way). */
  async lookUp(idOrSlug: string): Promise<ControlModel | null> {
    const found = await this.find(this.transactions.manager(), idOrSlug);
    return found ? toControlModel(found) : null;
  }

  /** By slug. */
  async list(args: ListControlsArgs): Promise<Page<ControlModel>> {
    const query = this.transactions.manager().getRepository(ControlEntity).createQueryBuilder('control');
    if (args.framework) {
      const mapping = args.requirement
        ? { framework: args.framework, requirement: args.requirement }
        : { framework: args.framework };
      query.andWhere('control.frameworks @> :mapping::jsonb', { mapping: JSON.stringify([mapping]) });
    } else if (args.requirement)
      assertValid([{ path: 'requirement', message: 'is only taken with framework' }]);
    if (args.mode) query.andWhere('control.mode = :mode', { mode: args.mode });
    if (args.subjectType)
      query.andWhere('control.subjectType = :subjectType', { subjectType: args.subjectType });
    const order: KeysetOrder = { sortColumn: 'control.slug', sortType: 'string', idColumn: 'control.id' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ sort: row.slug, id: row.id }), toControlModel);
  }

  /** Newest first. */
  async versions(idOrSlug: string, args: PageArgs): Promise<Page<ControlVersionModel>> {
    const control = await this.find(this.transactions.manager(), idOrSlug);
    if (!control) throw notFound(idOrSlug);
    const query = this.transactions
      .manager()
      .getRepository(ControlVersionEntity)
      .createQueryBuilder('version')
      .where('version.controlId = :controlId', { controlId: control.id });
    // Versions are numbered, not UUIDv7: the number is both the sort key and the tie breaker's stand-in.
    const order: KeysetOrder = {
      sortColumn: 'version.version',
      sortType: 'int',
      idColumn: 'version.controlId',
      direction: 'DESC',
      scope: { controlId: control.id },
    };
    const rows = await paginate(query, args, order).getMany();
    return toPage(
      rows,
      args,
      order,
      (row) => ({ sort: row.version, id: row.controlId }),
      toControlVersionModel,
    );
  }

  async version(idOrSlug: string, version: number): Promise<ControlVersionModel> {
    const control = await this.find(this.transactions.manager(), idOrSlug);
    if (!control) throw notFound(idOrSlug);
    const found = await this.transactions
      .manager()
      .findOneBy(ControlVersionEntity, { controlId: control.id, version });
    if (!found)
      throw new AppError(
        ComplianceErrors.controlVersionNotFound,
        `Control ${control.slug} has no version ${version} (its latest is ${control.version}).`,
      );
    return toControlVersionModel(found);
  }

  private async saveVersion(
    manager: EntityManager,
    control: ControlEntity,
    actor: Actor,
    now: Date,
  ): Promise<void> {
    await manager.insert(ControlVersionEntity, {
      controlId: control.id,
      version: control.version,
      ...pickDefinition(control),
      createdBy: actor.id,
      createdAt: now,
    });
  }

  private find(manager: EntityManager, idOrSlug: string): Promise<ControlEntity | null> {
    return manager.findOneBy(ControlEntity, isUuid(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug });
  }
}

function definitionOf(input: Partial<CreateControlInput>): ControlDefinition {
  return {
    title: (input.title ?? '').trim(),
    description: input.description?.trim() || null,
    severity: input.severity!,
    frameworks: uniqueMappings(
      (input.frameworks ?? []).map(({ framework, requirement: id }) => ({ framework, requirement: id })),
    ),
    subjectType: input.subjectType!,
    scope: normalisedScope(input.scope ?? undefined),
    mode: input.mode ?? 'report',
    expression: (input.expression ?? '').trim(),
    remediation: input.remediation?.trim() || null,
  };
}

function pickDefinition(row: ControlDefinition): ControlDefinition {
  return Object.fromEntries(
    DEFINITION_FIELDS.map((field) => [field, row[field]]),
  ) as unknown as ControlDefinition;
}

export function mappingsWithTitles(mappings: FrameworkMapping[]): FrameworkMappingModel[] {
  return mappings.map((mapping) => ({
    ...mapping,
    title: requirement(mapping.framework, mapping.requirement)?.title ?? mapping.requirement,
  }));
}

export function toControlModel(row: ControlEntity): ControlModel {
  return {
    id: row.id,
    slug: row.slug,
    ...pickDefinition(row),
    frameworks: mappingsWithTitles(row.frameworks),
    scope: normalisedScope(row.scope),
    origin: row.origin,
    version: row.version,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toControlVersionModel(row: ControlVersionEntity): ControlVersionModel {
  return {
    controlId: row.controlId,
    version: row.version,
    ...pickDefinition(row),
    frameworks: mappingsWithTitles(row.frameworks),
    scope: normalisedScope(row.scope),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

function notFound(idOrSlug: string): AppError {
  return new AppError(ComplianceErrors.controlNotFound, `No control with id or slug "${idOrSlug}".`);
}
