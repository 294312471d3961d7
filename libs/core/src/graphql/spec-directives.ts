import { DirectiveLocation, GraphQLDeprecatedDirective, GraphQLDirective, GraphQLSchema } from 'graphql';

/**
 * `@deprecated` as the GraphQL spec defines it. graphql-js 16.14 added DIRECTIVE_DEFINITION to its
 * built-in one (experimental directives on directive definitions, in no spec edition), so every
 * schema it builds says so in introspection; clients that know only the spec's locations (Python
 * tools on graphql-core before 3.2.11, among others) then refuse to load the whole schema. Nothing
 * here deprecates a directive, so nothing is lost.
 */
const SPEC_DEPRECATED_DIRECTIVE = new GraphQLDirective({
  ...GraphQLDeprecatedDirective.toConfig(),
  locations: GraphQLDeprecatedDirective.locations.filter(
    (location) => location !== DirectiveLocation.DIRECTIVE_DEFINITION,
  ),
});

/** The schema with graphql-js's `@deprecated` swapped for the spec's; types and resolvers are kept. */
export function withSpecDeprecatedDirective(schema: GraphQLSchema): GraphQLSchema {
  return new GraphQLSchema({
    ...schema.toConfig(),
    directives: schema
      .getDirectives()
      .map((directive) =>
        directive.name === SPEC_DEPRECATED_DIRECTIVE.name ? SPEC_DEPRECATED_DIRECTIVE : directive,
      ),
  });
}
