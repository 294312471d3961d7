import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  CommonErrors,
  isUniqueViolation,
  KeysetOrder,
  Page,
  PageArgs,
  paginate,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { CurrentDeploymentEntity } from './current-deployment.entity';
import { DeploymentPinEntity } from './deployment-pin.entity';
import { DeploymentPinModel, PinServiceInput } from './dto/deployment-pin.model';
import { ReleaseErrors } from './release.errors';
import { ReleasesService } from './releases.service';

/** The audit/outbox target id of a pin: the pair it holds. */
const pinTarget = (environmentId: string, serviceId: string) => `${environmentId}:${serviceId}`;

/**
 * Pins: a service held at a release in an environment. The pin gate reads them; rollbacks can
 * pin in the same transaction (`pinInTransaction`).
 */
@Injectable()
export class DeploymentPinsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly environments: EnvironmentsService,
    private readonly services: ServicesService,
    private readonly releases: ReleasesService,
    private readonly clock: Clock,
  ) {}

  /** Pins (or re-pins, replacing reason and release) the service in the environment. */
  async pin(
    actor: Actor,
    environmentIdOrSlug: string,
    serviceIdOrSlug: string,
    input: PinServiceInput,
  ): Promise<DeploymentPinModel> {
    const reason = requiredReason(input.reason);
    const environment = await this.environments.get(environmentIdOrSlug);
    const service = await this.services.get(serviceIdOrSlug);
    let releaseId: string | null = null;
    if (input.release != null) {
      const release = await this.releases.get(input.release);
      if (release.serviceId !== service.id)
        throw new AppError(
          CommonErrors.validation,
          `Release ${release.version} belongs to another service, not ${service.slug}.`,
          { errors: [{ path: 'release', message: 'must be a release of the pinned service' }] },
        );
      releaseId = release.id;
    }
    try {
      return await this.transactions.run(async (manager) => {
        if (input.release == null) {
          const current = await manager.findOneBy(CurrentDeploymentEntity, {
            environmentId: environment.id,
            serviceId: service.id,
          });
          releaseId = current?.releaseId ?? null;
        }
        return this.pinInTransaction(manager, actor, environment.id, service.id, releaseId, reason);
      });
    } catch (error) {
      // Two first-time pins of one pair at once: the loser is told to retry rather than given a 500.
      if (!isUniqueViolation(error, 'deployment_pins_pkey')) throw error;
      throw new AppError(
        CommonErrors.versionMismatch,
        'The service was pinned concurrently; fetch the pin and retry.',
      );
    }
  }

  /** Creates or replaces the pin inside the caller's transaction and records it. */
  async pinInTransaction(
    manager: EntityManager,
    actor: Actor,
    environmentId: string,
    serviceId: string,
    releaseId: string | null,
    reason: string,
  ): Promise<DeploymentPinModel> {
    const existing = await lockPin(manager, environmentId, serviceId);
    const before = existing ? await this.findIn(manager, environmentId, serviceId) : null;
    const entity: DeploymentPinEntity = {
      environmentId,
      serviceId,
      releaseId,
      reason,
      pinnedBy: actor.id,
      pinnedAt: this.clock.now(),
    };
    if (existing) await manager.update(DeploymentPinEntity, { environmentId, serviceId }, entity);
    else await manager.insert(DeploymentPinEntity, entity);
    const after = (await this.findIn(manager, environmentId, serviceId))!;
    await this.changes.record(manager, actor, {
      action: existing ? 'deployment_pin.updated' : 'deployment_pin.created',
      targetType: 'deployment_pin',
      targetId: pinTarget(environmentId, serviceId),
      before: before ?? undefined,
      after,
      reason,
    });
    return after;
  }

  async unpin(
    actor: Actor,
    environmentIdOrSlug: string,
    serviceIdOrSlug: string,
  ): Promise<DeploymentPinModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const service = await this.services.get(serviceIdOrSlug);
    return this.transactions.run(async (manager) => {
      const existing = await lockPin(manager, environment.id, service.id);
      if (!existing)
        throw new AppError(
          ReleaseErrors.pinNotFound,
          `${service.slug} is not pinned in ${environment.slug}.`,
        );
      const before = (await this.findIn(manager, environment.id, service.id))!;
      await manager.delete(DeploymentPinEntity, { environmentId: environment.id, serviceId: service.id });
      await this.changes.record(manager, actor, {
        action: 'deployment_pin.removed',
        targetType: 'deployment_pin',
        targetId: pinTarget(environment.id, service.id),
        before,
      });
      return before;
    });
  }

  /** The pins of an environment, by service id. */
  async list(environmentIdOrSlug: string, args: PageArgs): Promise<Page<DeploymentPinModel>> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const query = this.selectPins(this.transactions.manager()).where('pin.environmentId = :environmentId', {
      environmentId: environment.id,
    });
    const order: KeysetOrder = { idColumn: 'pin.serviceId', scope: { environmentId: environment.id } };
    const rows = await paginate(query, args, order).getRawMany<DeploymentPinModel>();
    return toPage(
      rows,
      args,
      order,
      (row) => ({ id: row.serviceId }),
      (row) => row,
    );
  }

  /** The pin of one pair, or null. */
  find(environmentId: string, serviceId: string): Promise<DeploymentPinModel | null> {
    return this.findIn(this.transactions.manager(), environmentId, serviceId);
  }

  private async findIn(
    manager: EntityManager,
    environmentId: string,
    serviceId: string,
  ): Promise<DeploymentPinModel | null> {
    const row = await this.selectPins(manager)
      .where('pin.environmentId = :environmentId AND pin.serviceId = :serviceId', {
        environmentId,
        serviceId,
      })
      .getRawOne<DeploymentPinModel>();
    return row ?? null;
  }

  private selectPins(manager: EntityManager) {
    return manager
      .getRepository(DeploymentPinEntity)
      .createQueryBuilder('pin')
      .leftJoin('releases', 'release', 'release.id = pin.release_id')
      .select('pin.environmentId', 'environmentId')
      .addSelect('pin.serviceId', 'serviceId')
      .addSelect('pin.releaseId', 'releaseId')
      .addSelect('release.version', 'releaseVersion')
      .addSelect('pin.reason', 'reason')
      .addSelect('pin.pinnedBy', 'pinnedBy')
      .addSelect('pin.pinnedAt', 'pinnedAt');
  }
}

function requiredReason(sent: string): string {
  const reason = sent.trim();
  if (!reason)
    throw new AppError(ReleaseErrors.reasonRequired, 'Say why the service is pinned.', {
      errors: [{ path: 'reason', message: 'must not be blank' }],
    });
  return reason;
}

async function lockPin(
  manager: EntityManager,
  environmentId: string,
  serviceId: string,
): Promise<DeploymentPinEntity | null> {
  return manager
    .getRepository(DeploymentPinEntity)
    .createQueryBuilder('pin')
    .setLock('pessimistic_write')
    .where('pin.environmentId = :environmentId AND pin.serviceId = :serviceId', { environmentId, serviceId })
    .getOne();
}
