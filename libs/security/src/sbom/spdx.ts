import { type SbomContent, type StatedComponent, toComponent, toSubject } from './component';
import { dependencyOf } from './dependency-graph';
import type { SbomProblem } from './sbom';

/** The parts of an SPDX 2.3 JSON document read here; the schema has been checked already. */
export interface SpdxDocument {
  SPDXID: string;
  documentDescribes?: string[];
  packages?: SpdxPackage[];
  relationships?: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  licenseConcluded?: string;
  licenseDeclared?: string;
  externalRefs?: { referenceType: string; referenceLocator: string }[];
}

/** `A DEPENDS_ON B`, `A CONTAINS B`: an edge from A to B. */
const EDGE_FROM_ELEMENT = new Set(['DEPENDS_ON', 'CONTAINS']);
/** `A DEPENDENCY_OF B`, `A CONTAINED_BY B` and the kinds of dependency: an edge from B to A. */
const EDGE_TO_ELEMENT = new Set([
  'DEPENDENCY_OF',
  'CONTAINED_BY',
  'BUILD_DEPENDENCY_OF',
  'DEV_DEPENDENCY_OF',
  'OPTIONAL_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
]);

/**
 * Packages become components. The package the document DESCRIBES is its subject and, like
 * CycloneDX's metadata.component, not a component; when it describes several, there is no one
 * subject and they stay components (their dependencies are still direct).
 */
export function readSpdx(document: SpdxDocument): SbomContent {
  const problems: SbomProblem[] = [];
  const packages = document.packages ?? [];
  const relationships = document.relationships ?? [];
  const packageIds = new Set(packages.map((pkg) => pkg.SPDXID));
  const described = describedPackages(document, packageIds);

  const edges = new Map<string, string[]>();
  const addEdge = (from: string, to: string) => edges.set(from, (edges.get(from) ?? []).concat(to));
  for (const { spdxElementId, relationshipType, relatedSpdxElement } of relationships) {
    if (EDGE_FROM_ELEMENT.has(relationshipType)) addEdge(spdxElementId, relatedSpdxElement);
    else if (EDGE_TO_ELEMENT.has(relationshipType)) addEdge(relatedSpdxElement, spdxElementId);
  }
  const hasDependencyGraph = edges.size > 0;
  if (hasDependencyGraph && described.length === 0)
    problems.push({
      path: '/relationships',
      code: 'subject_not_in_graph',
      message: 'The document DESCRIBES no package, so no component is known to be direct or transitive.',
    });
  const relation = dependencyOf(described, edges);

  const subjectId = described.length === 1 ? described[0] : null;
  let subject: SbomContent['subject'] = null;
  const components: SbomContent['components'] = [];
  for (const [index, pkg] of packages.entries()) {
    const read = stated(pkg, `/packages/${index}`);
    if (pkg.SPDXID === subjectId) subject = toSubject(read, problems);
    else components.push({ ...toComponent(read, problems), dependency: relation.get(pkg.SPDXID) ?? null });
  }
  return { subject, hasDependencyGraph, components, problems };
}

/** `documentDescribes`, `DOCUMENT DESCRIBES x` and `x DESCRIBED_BY DOCUMENT`, packages only. */
function describedPackages(document: SpdxDocument, packageIds: Set<string>): string[] {
  const described = new Set(document.documentDescribes ?? []);
  for (const { spdxElementId, relationshipType, relatedSpdxElement } of document.relationships ?? []) {
    if (relationshipType === 'DESCRIBES' && spdxElementId === document.SPDXID)
      described.add(relatedSpdxElement);
    if (relationshipType === 'DESCRIBED_BY' && relatedSpdxElement === document.SPDXID)
      described.add(spdxElementId);
  }
  return [...described].filter((id) => packageIds.has(id));
}

function stated(pkg: SpdxPackage, path: string): StatedComponent {
  const externalRefs = pkg.externalRefs ?? [];
  const purlIndex = externalRefs.findIndex((ref) => ref.referenceType === 'purl');
  const licence = [pkg.licenseConcluded, pkg.licenseDeclared].find(
    (value) => value !== undefined && value !== 'NOASSERTION' && value !== 'NONE',
  );
  return {
    path,
    ref: pkg.SPDXID,
    name: pkg.name,
    group: null,
    version: pkg.versionInfo ?? null,
    purl:
      purlIndex === -1
        ? null
        : {
            text: externalRefs[purlIndex].referenceLocator,
            path: `${path}/externalRefs/${purlIndex}/referenceLocator`,
          },
    impliedPurl: null,
    licenses: licence === undefined ? [] : [licence],
    scope: null,
  };
}
