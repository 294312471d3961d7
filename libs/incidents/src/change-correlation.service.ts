import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import { DeploymentsService } from '@opsplane/releases';
import { anchorOf, matchKindOf, reasonFor, referenceOf } from './change-correlation';
import {
  DEFAULT_CORRELATION_HOURS,
  RelatedDeploymentListModel,
  RelatedDeploymentModel,
} from './dto/related-deployment.model';
import { IncidentsService } from './incidents.service';

/** How many related deployments one answer lists; a page of changes is what a responder can read. */
const MAX_RELATED = 100;
/** Read a few more than are listed: sorting by reference time may reorder the newest starts. */
const READ_AHEAD = 2 * MAX_RELATED;

/**
 * Change correlation (PagerDuty's related changes, with the reason spelled out): which
 * deployments to the incident's services and environments happened in the hours before impact.
 * Reads deployments through the releases context's public service, never its tables.
 */
@Injectable()
export class ChangeCorrelationService {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly deployments: DeploymentsService,
    private readonly services: ServicesService,
    private readonly environments: EnvironmentsService,
  ) {}

  async related(incidentId: string, hours = DEFAULT_CORRELATION_HOURS): Promise<RelatedDeploymentListModel> {
    const incident = await this.incidents.get(incidentId);
    const anchor = anchorOf(incident);
    const windowStartsAt = new Date(anchor.at.getTime() - hours * 3_600_000);
    const candidates = await this.deployments.startedOrFinishedBetween({
      environmentIds: incident.environmentIds,
      serviceIds: incident.serviceIds,
      from: windowStartsAt,
      to: anchor.at,
      limit: READ_AHEAD,
    });
    const related = candidates.flatMap((deployment) => {
      const matchKind = matchKindOf(deployment, incident);
      const reference = referenceOf(deployment, anchor.at);
      return matchKind && reference ? [{ deployment, matchKind, reference }] : [];
    });
    related.sort(
      (a, b) =>
        b.reference.at.getTime() - a.reference.at.getTime() || b.deployment.id.localeCompare(a.deployment.id),
    );
    const listed = related.slice(0, MAX_RELATED);
    const slugs = await this.slugsOf(
      listed.map((item) => item.deployment.serviceId),
      listed.map((item) => item.deployment.environmentId),
    );
    const items = listed.map(({ deployment, matchKind, reference }): RelatedDeploymentModel => {
      const secondsBeforeImpact = Math.floor((anchor.at.getTime() - reference.at.getTime()) / 1000);
      return {
        deployment,
        matchKind,
        referenceAt: reference.at,
        secondsBeforeImpact,
        reason: reasonFor({
          status: deployment.status,
          referenceBasis: reference.basis,
          secondsBefore: secondsBeforeImpact,
          anchorBasis: anchor.basis,
          matchKind,
          serviceSlug: slugs.get(deployment.serviceId) ?? deployment.serviceId,
          environmentSlug: slugs.get(deployment.environmentId) ?? deployment.environmentId,
        }),
        isCause: incident.causedByDeploymentId === deployment.id,
      };
    });
    return {
      incidentId: incident.id,
      anchorAt: anchor.at,
      anchorBasis: anchor.basis,
      hours,
      windowStartsAt,
      items,
    };
  }

  /** Slugs of the services and environments named, two queries whatever the count. */
  private async slugsOf(serviceIds: string[], environmentIds: string[]): Promise<Map<string, string>> {
    const services = await this.services.findMany([...new Set(serviceIds)]);
    const environments = await this.environments.findMany([...new Set(environmentIds)]);
    return new Map(
      [...services, ...environments].flatMap((model) => (model ? [[model.id, model.slug] as const] : [])),
    );
  }
}
