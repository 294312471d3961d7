import type { FindingSeverity } from '@opsplane/findings';
import {
  comparablePackageName,
  matchAdvisory,
  type MatchEvidence,
  type UnsupportedReason,
} from '../advisories/osv-match';
import type { OsvRecord } from '../advisories/osv-record';
import { assessSeverity, type SeverityAssessment } from '../advisories/severity';
import { ecosystemComparator } from '../advisories/versions';
import type { PackageVersion } from '../packages';

/**
 * One vulnerability of one component: every advisory record known for it (a GHSA and the CVE it
 * aliases, say, are one vulnerability and one finding), each with why it matched.
 */
export interface ComponentVulnerability<C> {
  component: C;
  /** The records' ids and aliases, sorted: the same set names the same vulnerability next time. */
  aliasGroup: string[];
  /** The id findings show: the first CVE of the group, else its first id. */
  primaryId: string;
  matches: { record: OsvRecord; evidence: MatchEvidence[]; severity: SeverityAssessment }[];
  /** The worst rating of the matching records. */
  severity: FindingSeverity;
}

/** A component some advisory names but whose version could not be evaluated: reported, never skipped. */
export interface UnevaluatedComponent<C> {
  component: C;
  advisoryId: string;
  reason: UnsupportedReason | { kind: 'unknown_version'; message: string };
}

/**
 * A component no advisory can be matched against with confidence: no ecosystem (no purl, or a purl
 * type OSV has none for), or an ecosystem whose version order this lib does not have (only its
 * advisories' SEMVER ranges can match it).
 */
export interface UnsupportedComponent<C> {
  component: C;
  reason: 'no_ecosystem' | 'no_version_order';
}

export interface ComponentMatches<C> {
  vulnerabilities: ComponentVulnerability<C>[];
  unevaluated: UnevaluatedComponent<C>[];
  unsupported: UnsupportedComponent<C>[];
}

const SEVERITY_ORDER: FindingSeverity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * Matches components against advisory records: only the records naming a component's (ecosystem,
 * name) are evaluated (an index, not components × records), and matching records of one
 * component are grouped by alias, so one vulnerability known under several ids is one entry.
 */
export function matchComponents<C>(
  components: readonly C[],
  packageOf: (component: C) => PackageVersion,
  records: readonly OsvRecord[],
): ComponentMatches<C> {
  const byPackage = new Map<string, OsvRecord[]>();
  for (const record of records)
    for (const key of new Set(
      (record.affected ?? []).map((entry) => entry.package && packageKey(entry.package)),
    ))
      if (key) byPackage.set(key, [...(byPackage.get(key) ?? []), record]);
  const groups = aliasGroups(records);

  const vulnerabilities: ComponentVulnerability<C>[] = [];
  const unevaluated: UnevaluatedComponent<C>[] = [];
  const unsupported: UnsupportedComponent<C>[] = [];
  for (const component of components) {
    const pkg = packageOf(component);
    if (pkg.ecosystem === null) {
      unsupported.push({ component, reason: 'no_ecosystem' });
      continue;
    }
    if (ecosystemComparator(pkg.ecosystem) === null)
      unsupported.push({ component, reason: 'no_version_order' });
    const found = new Map<string[], ComponentVulnerability<C>['matches']>();
    for (const record of byPackage.get(packageKey(pkg)) ?? []) {
      const result = matchAdvisory(record, pkg);
      if (result.outcome === 'affected') {
        const group = groups.get(record.id)!;
        const affectedIndexes = [...new Set(result.evidence.map((evidence) => evidence.affectedIndex))];
        const match = {
          record,
          evidence: result.evidence,
          severity: assessSeverity(record, affectedIndexes),
        };
        found.set(group, [...(found.get(group) ?? []), match]);
      } else if (result.outcome === 'unsupported') {
        unevaluated.push({ component, advisoryId: record.id, reason: result.reason });
      } else if (result.outcome === 'unknown_version') {
        unevaluated.push({
          component,
          advisoryId: record.id,
          reason: { kind: 'unknown_version', message: `${pkg.name} has no version in the SBOM` },
        });
      }
    }
    for (const [aliasGroup, matches] of found)
      vulnerabilities.push({
        component,
        aliasGroup,
        primaryId: aliasGroup.find((id) => id.startsWith('CVE-')) ?? aliasGroup[0],
        matches,
        severity: worst(matches.map((match) => match.severity.rating)),
      });
  }
  return { vulnerabilities, unevaluated, unsupported };
}

/** The key a record's package and a component share; PyPI names compare PEP 503-normalised. */
function packageKey(pkg: { ecosystem: string | null; name: string }): string {
  return `${pkg.ecosystem}\u0000${comparablePackageName(pkg.ecosystem ?? '', pkg.name)}`;
}

/**
 * Records whose ids or aliases meet are one vulnerability (union-find over the ids): each record
 * id maps to its group's sorted ids, one array per group (so groups compare by identity).
 */
function aliasGroups(records: readonly OsvRecord[]): Map<string, string[]> {
  const parent = new Map<string, string>();
  const root = (id: string): string => {
    let top = id;
    while (parent.get(top) !== undefined && parent.get(top) !== top) top = parent.get(top)!;
    parent.set(id, top);
    return top;
  };
  for (const record of records) {
    if (!parent.has(record.id)) parent.set(record.id, record.id);
    for (const alias of record.aliases ?? []) {
      if (!parent.has(alias)) parent.set(alias, alias);
      parent.set(root(alias), root(record.id));
    }
  }
  const members = new Map<string, string[]>();
  for (const id of parent.keys()) members.set(root(id), [...(members.get(root(id)) ?? []), id]);
  for (const ids of members.values()) ids.sort();
  return new Map(records.map((record) => [record.id, members.get(root(record.id))!]));
}

function worst(ratings: FindingSeverity[]): FindingSeverity {
  return ratings.reduce((a, b) => (SEVERITY_ORDER.indexOf(b) > SEVERITY_ORDER.indexOf(a) ? b : a));
}
