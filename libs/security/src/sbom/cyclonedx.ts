import { type SbomContent, type StatedComponent, toComponent, toSubject } from './component';
import { dependencyOf } from './dependency-graph';
import type { SbomComponent, SbomProblem } from './sbom';

/** The parts of a CycloneDX BOM (1.2–1.7) read here; the schema has been checked already. */
export interface CycloneDxBom {
  metadata?: { component?: CycloneDxComponent };
  components?: CycloneDxComponent[];
  dependencies?: { ref: string; dependsOn?: string[] }[];
}

interface CycloneDxComponent {
  'bom-ref'?: string;
  group?: string;
  name: string;
  version?: string;
  purl?: string;
  scope?: 'required' | 'optional' | 'excluded';
  licenses?: { license?: { id?: string; name?: string }; expression?: string }[];
  components?: CycloneDxComponent[];
}

export function readCycloneDx(bom: CycloneDxBom): SbomContent {
  const problems: SbomProblem[] = [];
  const components: SbomComponent[] = [];
  const collect = (list: CycloneDxComponent[], path: string) =>
    list.forEach((component, index) => {
      const at = `${path}/${index}`;
      components.push(toComponent(stated(component, at), problems));
      // A component's own components (an assembly's parts) are components of the SBOM too.
      if (component.components) collect(component.components, `${at}/components`);
    });
  collect(bom.components ?? [], '/components');

  const root = bom.metadata?.component;
  const subject = root ? toSubject(stated(root, '/metadata/component'), problems) : null;
  const hasDependencyGraph = (bom.dependencies ?? []).length > 0;
  if (hasDependencyGraph) {
    const relation = relationToSubject(bom, problems);
    for (const component of components)
      component.dependency = component.ref === null ? null : (relation.get(component.ref) ?? null);
  }
  return { subject, hasDependencyGraph, components, problems };
}

function stated(component: CycloneDxComponent, path: string): StatedComponent {
  const ref = component['bom-ref'] ?? null;
  return {
    path,
    ref,
    name: component.name,
    group: component.group ?? null,
    version: component.version ?? null,
    purl: component.purl === undefined ? null : { text: component.purl, path: `${path}/purl` },
    // cyclonedx-node-module 2 and the Maven plugin make each bom-ref the component's purl.
    impliedPurl: ref?.startsWith('pkg:') ? ref : null,
    licenses: (component.licenses ?? []).flatMap((choice) => {
      const licence = choice.expression ?? choice.license?.id ?? choice.license?.name;
      return licence === undefined ? [] : [licence];
    }),
    scope: component.scope ?? null,
  };
}

/**
 * Follows `dependencies` from the subject's bom-ref: what it depends on is direct, what those
 * depend on transitive. A graph that does not include the subject says nothing about that.
 */
function relationToSubject(bom: CycloneDxBom, problems: SbomProblem[]): Map<string, 'direct' | 'transitive'> {
  const edges = new Map<string, string[]>();
  for (const { ref, dependsOn = [] } of bom.dependencies ?? [])
    edges.set(ref, (edges.get(ref) ?? []).concat(dependsOn));
  const root = bom.metadata?.component?.['bom-ref'];
  if (root === undefined || !edges.has(root)) {
    problems.push({
      path: '/dependencies',
      code: 'subject_not_in_graph',
      message:
        root === undefined
          ? 'The SBOM has a dependency graph but its subject (metadata.component) has no bom-ref, so no component is known to be direct or transitive.'
          : `The dependency graph has no entry for the subject ("${root}"), so no component is known to be direct or transitive.`,
    });
    return new Map();
  }
  return dependencyOf([root], edges);
}
