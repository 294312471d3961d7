import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { MAX_INTROSPECTION_DEPTH, maxDepthRule } from './max-depth.rule';

const schema = buildSchema(`
  type Query { node: Node }
  type Node { id: ID! child: Node }
`);

function errors(query: string, maxDepth = 3): string[] {
  return validate(schema, parse(query), [...specifiedRules, maxDepthRule(maxDepth)]).map((e) => e.message);
}

describe('maxDepthRule', () => {
  it('counts the fields nested below a root field', () => {
    expect(errors('{ node { child { child { id } } } }')).toEqual([]);
    expect(errors('{ node { child { child { child { id } } } } }')).toEqual([
      'Operation depth 4 exceeds the maximum depth of 3. Nest fewer fields.',
    ]);
  });

  it('counts fields where fragments are spread, not the fragments themselves', () => {
    expect(
      errors(
        '{ node { ... on Node { ...A } } } fragment A on Node { child { ...B } } fragment B on Node { child { id } }',
      ),
    ).toEqual([]);
    expect(
      errors(
        '{ node { ...A } } fragment A on Node { child { ... on Node { ...B } } } fragment B on Node { child { child { id } } }',
      ),
    ).toEqual(['Operation depth 4 exceeds the maximum depth of 3. Nest fewer fields.']);
  });

  it('walks a fragment spread many times once', () => {
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on Node { id ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    expect(errors(`{ node { ...F0 } } ${fragments} fragment F40 on Node { id }`)).toEqual([]);
  });

  it('leaves fragment cycles to NoFragmentCyclesRule', () => {
    expect(errors('{ node { ...A } } fragment A on Node { ...B } fragment B on Node { id ...A }')).toEqual([
      'Cannot spread fragment "A" within itself via "B".',
    ]);
  });

  it("lets graphql-js's full introspection query through, up to a 10-deep ofType chain", () => {
    const options = {
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    };
    expect(errors(getIntrospectionQuery(options), 1)).toEqual([]);
    expect(errors(getIntrospectionQuery({ ...options, typeDepth: 10 }), 1)).toEqual([]);
    expect(errors(getIntrospectionQuery({ ...options, typeDepth: 11 }), 1)).toEqual([
      `Introspection depth 16 exceeds the maximum introspection depth of ${MAX_INTROSPECTION_DEPTH}.`,
    ]);
  });
});
