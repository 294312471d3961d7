import { GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/**
 * Whether the query asks, below the field being resolved, for `path` (e.g. `['release', 'service']`),
 * looking through fragments. For resolvers that load what their children will need in their own
 * batch; a miss only costs the children their own batch.
 */
export function selectsField(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  return selectionSetsAt(info, path).length > 0;
}

/**
 * The names of the fields the query asks for directly below the field being resolved (or below
 * `path` under it, e.g. `['items']` of a page), through fragments.
 */
export function selectedFieldNames(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else {
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  for (const set of selectionSetsAt(info, path)) visit(set);
  return names;
}

function selectionSetsAt(info: GraphQLResolveInfo, path: readonly string[]): SelectionSetNode[] {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) sets = sets.flatMap((set) => fieldsNamed(set, name, info));
  return sets;
}

function fieldsNamed(set: SelectionSetNode, name: string, info: GraphQLResolveInfo): SelectionSetNode[] {
  return set.selections.flatMap((selection): SelectionSetNode[] => {
    if (selection.kind === Kind.FIELD)
      return selection.name.value === name
        ? [selection.selectionSet ?? { kind: set.kind, selections: [] }]
        : [];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsNamed(selection.selectionSet, name, info);
    const fragment = info.fragments[selection.name.value];
    return fragment ? fieldsNamed(fragment.selectionSet, name, info) : [];
  });
}
