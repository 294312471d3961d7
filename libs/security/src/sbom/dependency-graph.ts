import type { SbomComponent } from './sbom';

export type Dependency = SbomComponent['dependency'];

/**
 * How each node relates to the roots (the SBOM's subject): `direct` when a root has an edge to it,
 * `transitive` when it is reachable from a root only through other nodes. Nodes not in the map
 * are unreachable, and so of unknown relation. `edges` maps a node to the nodes it depends on (or
 * contains); cycles are fine, each node is visited once.
 */
export function dependencyOf(
  roots: Iterable<string>,
  edges: ReadonlyMap<string, Iterable<string>>,
): Map<string, 'direct' | 'transitive'> {
  const rootSet = new Set(roots);
  const relation = new Map<string, 'direct' | 'transitive'>();
  const queue: string[] = [];
  for (const root of rootSet) {
    for (const child of edges.get(root) ?? []) {
      if (relation.has(child) || rootSet.has(child)) continue;
      relation.set(child, 'direct');
      queue.push(child);
    }
  }
  // Breadth first, though any order gives the same answer: direct ones are all marked already.
  for (let index = 0; index < queue.length; index++) {
    for (const child of edges.get(queue[index]) ?? []) {
      if (relation.has(child) || rootSet.has(child)) continue;
      relation.set(child, 'transitive');
      queue.push(child);
    }
  }
  return relation;
}
