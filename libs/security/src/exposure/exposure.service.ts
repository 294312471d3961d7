import { Injectable } from '@nestjs/common';
import { assertValid, KeysetOrder, Page, paginate, toPage, Transactions } from '@opsplane/core';
import { FindingSeverity, FindingStatus } from '@opsplane/findings';
import { comparablePackageName } from '../advisories/osv-match';
import { ExposedComponentModel, ExposedFindingModel, ExposureArgs, ExposureModel } from '../dto/exposure.dto';
import { readPurl } from '../sbom';
import { VULNERABILITY_SOURCE } from '../vulnerabilities/vulnerability-scan.job-types';

/** Findings that still say "this release is affected". */
const AFFECTED_STATUSES: FindingStatus[] = ['open', 'triaged', 'accepted'];

/** The component condition an exposure query filters by, as SQL over `component` and its parameters. */
interface ComponentFilter {
  sql: string;
  params: Record<string, unknown>;
}

interface ExposureRow {
  deploymentId: string;
  deployedAt: Date;
  releaseId: string;
  releaseVersion: string;
  environmentId: string;
  environmentSlug: string;
  environmentName: string;
  environmentTier: string;
  environmentProtected: boolean;
  serviceId: string;
  serviceSlug: string;
  serviceName: string;
}

/**
 * "Which releases running where contain package X, or are affected by advisory Y": answered from
 * what runs where now (`current_deployments`, one row per environment and service), each row with
 * the components or findings that make it an answer. Paged by the deployment that put the release
 * there.
 */
@Injectable()
export class ExposureService {
  constructor(private readonly transactions: Transactions) {}

  async list(args: ExposureArgs): Promise<Page<ExposureModel>> {
    assertValid(
      args.package || args.purl || args.advisory
        ? args.package && args.purl
          ? [{ path: 'purl', message: 'give package or purl, not both' }]
          : []
        : [{ path: 'package', message: 'give package (or purl) or advisory: what to look for' }],
    );
    const component = args.package || args.purl ? componentFilter(args) : null;
    const query = this.transactions
      .manager()
      .createQueryBuilder()
      .select([
        'current.deployment_id AS "deploymentId"',
        'current.succeeded_at AS "deployedAt"',
        'release.id AS "releaseId"',
        'release.version AS "releaseVersion"',
        'environment.id AS "environmentId"',
        'environment.slug AS "environmentSlug"',
        'environment.name AS "environmentName"',
        'environment.tier AS "environmentTier"',
        'environment.is_protected AS "environmentProtected"',
        'service.id AS "serviceId"',
        'service.slug AS "serviceSlug"',
        'service.name AS "serviceName"',
      ])
      .from('current_deployments', 'current')
      .innerJoin('releases', 'release', 'release.id = current.release_id')
      .innerJoin('environments', 'environment', 'environment.id = current.environment_id')
      .innerJoin('services', 'service', 'service.id = current.service_id');
    if (args.environmentId) query.andWhere('current.environment_id = :environmentId', args);
    if (component)
      query.andWhere(
        `EXISTS (SELECT 1 FROM sbom_components AS component
                  WHERE component.release_id = current.release_id AND ${component.sql})`,
        component.params,
      );
    if (args.advisory)
      query.andWhere(
        `EXISTS (SELECT 1 FROM findings AS finding
                  WHERE ${AFFECTED_BY_ADVISORY} AND finding.subject_id = current.release_id)`,
        advisoryParams(args.advisory),
      );
    const order: KeysetOrder = { idColumn: 'current.deployment_id' };
    const rows = await paginate(query, args, order).getRawMany<ExposureRow>();
    const releaseIds = [...new Set(rows.map((row) => row.releaseId))];
    const [components, findings] = [
      component ? await this.componentsOf(releaseIds, component) : new Map<string, ExposedComponentModel[]>(),
      args.advisory
        ? await this.findingsOf(releaseIds, args.advisory)
        : new Map<string, ExposedFindingModel[]>(),
    ];
    return toPage(
      rows,
      args,
      order,
      (row) => ({ id: row.deploymentId }),
      (row): ExposureModel => ({
        environment: {
          id: row.environmentId,
          slug: row.environmentSlug,
          name: row.environmentName,
          tier: row.environmentTier,
          isProtected: row.environmentProtected,
        },
        service: { id: row.serviceId, slug: row.serviceSlug, name: row.serviceName },
        releaseId: row.releaseId,
        releaseVersion: row.releaseVersion,
        deploymentId: row.deploymentId,
        deployedAt: row.deployedAt,
        components: components.get(row.releaseId) ?? [],
        findings: findings.get(row.releaseId) ?? [],
      }),
    );
  }

  private async componentsOf(
    releaseIds: string[],
    filter: ComponentFilter,
  ): Promise<Map<string, ExposedComponentModel[]>> {
    if (releaseIds.length === 0) return new Map();
    const rows = await this.transactions
      .manager()
      .createQueryBuilder()
      .select([
        'component.release_id AS "releaseId"',
        'component.id AS id',
        'component.name AS name',
        'component.group AS "group"',
        'component.version AS version',
        'component.purl AS purl',
        'component.dependency AS dependency',
      ])
      .from('sbom_components', 'component')
      .where('component.release_id IN (:...releaseIds)', { releaseIds })
      .andWhere(filter.sql, filter.params)
      .orderBy('component.id')
      .getRawMany<ExposedComponentModel & { releaseId: string }>();
    return groupBy(rows, ({ releaseId, ...component }) => [releaseId, component]);
  }

  private async findingsOf(
    releaseIds: string[],
    advisory: string,
  ): Promise<Map<string, ExposedFindingModel[]>> {
    if (releaseIds.length === 0) return new Map();
    const rows = await this.transactions
      .manager()
      .createQueryBuilder()
      .select([
        'finding.subject_id AS "releaseId"',
        'finding.id AS id',
        `finding.evidence ->> 'vulnerabilityId' AS "vulnerabilityId"`,
        'finding.title AS title',
        'finding.severity AS severity',
        'finding.status AS status',
        `finding.evidence -> 'component' ->> 'purl' AS purl`,
      ])
      .from('findings', 'finding')
      .where(AFFECTED_BY_ADVISORY, advisoryParams(advisory))
      .andWhere('finding.subject_id IN (:...releaseIds)', { releaseIds })
      .orderBy('finding.severity_rank')
      .addOrderBy('finding.id')
      .getRawMany<ExposedFindingModel & { releaseId: string; severity: FindingSeverity }>();
    return groupBy(rows, ({ releaseId, ...finding }) => [releaseId, finding]);
  }
}

/** A release's unresolved vulnerability findings whose alias group names the advisory. */
const AFFECTED_BY_ADVISORY = `finding.source = :source AND finding.subject_type = 'release'
  AND finding.status IN (:...affected) AND finding.evidence -> 'aliasGroup' ? :advisory`;

const advisoryParams = (advisory: string) => ({
  source: VULNERABILITY_SOURCE,
  affected: AFFECTED_STATUSES,
  advisory,
});

/**
 * By package (as OSV names it, optionally in an ecosystem and at a version) or by purl, read
 * into the same three (a purl of a type OSV has no ecosystem for is compared as a purl).
 */
function componentFilter(args: ExposureArgs): ComponentFilter {
  if (args.package) {
    const conditions = ['component.package_name = :packageName'];
    if (args.ecosystem) conditions.push('component.ecosystem = :ecosystem');
    if (args.version) conditions.push('component.version = :version');
    return {
      sql: conditions.join(' AND '),
      params: {
        packageName: comparablePackageName(args.ecosystem ?? '', args.package),
        ecosystem: args.ecosystem,
        version: args.version,
      },
    };
  }
  const read = readPurl(args.purl!);
  if (!read.ok) {
    assertValid([{ path: 'purl', message: `is not a purl: ${read.message}` }]);
    throw new Error('unreachable: assertValid throws');
  }
  const { purl, osvPackage } = read.read;
  if (osvPackage.ecosystem === null)
    return osvPackage.version
      ? { sql: 'component.purl = :purl', params: { purl } }
      : {
          sql: `(component.purl = :purl OR starts_with(component.purl, :prefix))`,
          params: { purl, prefix: `${purl}@` },
        };
  const conditions = ['component.package_name = :packageName', 'component.ecosystem = :ecosystem'];
  if (osvPackage.version) conditions.push('component.version = :version');
  return {
    sql: conditions.join(' AND '),
    params: { packageName: osvPackage.name, ecosystem: osvPackage.ecosystem, version: osvPackage.version },
  };
}

function groupBy<R, T>(rows: R[], split: (row: R) => [string, T]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const [key, value] = split(row);
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}
