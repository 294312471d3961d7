import { FieldNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

/**
 * graphql-js's full introspection query (`getIntrospectionQuery()`, as GraphiQL, Altair and
 * graphql-codegen send it, with its 9-deep `ofType` chain) reaches 14; one more level lets a client
 * ask a 10-deep chain. Our types wrap at most 3 deep (`[X!]!`), so nothing needs more, while the
 * introspection types are recursive and would otherwise let a query nest without end.
 */
export const MAX_INTROSPECTION_DEPTH = 15;

/**
 * Refuses operations nested deeper than `maxDepth` fields (`{ a { b { c } } }` is 2), and
 * introspection (`__schema`, `__type`) deeper than MAX_INTROSPECTION_DEPTH, whatever `maxDepth` is:
 * the standard introspection query is deeper than most operation limits. Fragments add no depth
 * of their own, but the fields inside them count where they are spread. (graphql-js's own
 * MaxIntrospectionDepthRule, among its specified rules, separately bounds nested lists of types.)
 */
export function maxDepthRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    // Per document: a fragment's depth does not depend on where it is spread, and without this a
    // fragment spread twice in each of n nested fragments would be walked 2^n times.
    const fragmentDepths = new Map<string, number>();
    const entered = new Set<string>();

    function fragmentDepth(name: string): number {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // A cycle or an unknown fragment makes the document invalid (NoFragmentCyclesRule and
      // KnownFragmentNamesRule report it); this rule only has to terminate.
      if (!fragment || entered.has(name)) return 0;
      entered.add(name);
      const depth = selectionSetDepth(fragment.selectionSet);
      entered.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    }

    function selectionSetDepth(selectionSet: SelectionSetNode): number {
      let depth = 0;
      for (const selection of selectionSet.selections) {
        const inner =
          selection.kind === Kind.FIELD
            ? fieldDepth(selection)
            : selection.kind === Kind.INLINE_FRAGMENT
              ? selectionSetDepth(selection.selectionSet)
              : fragmentDepth(selection.name.value);
        depth = Math.max(depth, inner);
      }
      return depth;
    }

    function fieldDepth(field: FieldNode): number {
      return field.selectionSet ? 1 + selectionSetDepth(field.selectionSet) : 0;
    }

    /** The operation's root fields, looking through fragments (`{ ...F } fragment F on Query { __schema … }`). */
    function rootFields(selectionSet: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
      return selectionSet.selections.flatMap((selection) => {
        if (selection.kind === Kind.FIELD) return [selection];
        if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, seen);
        const fragment = context.getFragment(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) return [];
        seen.add(fragment.name.value);
        return rootFields(fragment.selectionSet, seen);
      });
    }

    return {
      OperationDefinition(operation) {
        for (const field of rootFields(operation.selectionSet)) {
          const introspection = field.name.value === '__schema' || field.name.value === '__type';
          const limit = introspection ? MAX_INTROSPECTION_DEPTH : maxDepth;
          const depth = fieldDepth(field);
          if (depth <= limit) continue;
          context.reportError(
            new GraphQLError(
              introspection
                ? `Introspection depth ${depth} exceeds the maximum introspection depth of ${limit}.`
                : `Operation depth ${depth} exceeds the maximum depth of ${limit}. Nest fewer fields.`,
              { nodes: [field] },
            ),
          );
          // One error per operation is enough to say what to change.
          break;
        }
        return false;
      },
    };
  };
}
