import { Kind, parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../../support/test-app';

/**
 * The built-in directives as the GraphQL spec defines them, written out rather than taken from
 * graphql-js: its own `@deprecated` (16.14 on) has an extra DIRECTIVE_DEFINITION location, which is
 * the very thing that makes spec-following clients (graphql-core 3.2 before 3.2.11, under several
 * Python tools) refuse the whole schema.
 */
const SPEC_DIRECTIVES = [
  {
    name: 'deprecated',
    locations: ['ARGUMENT_DEFINITION', 'ENUM_VALUE', 'FIELD_DEFINITION', 'INPUT_FIELD_DEFINITION'],
    args: ['reason'],
    isRepeatable: false,
  },
  {
    name: 'include',
    locations: ['FIELD', 'FRAGMENT_SPREAD', 'INLINE_FRAGMENT'],
    args: ['if'],
    isRepeatable: false,
  },
  { name: 'oneOf', locations: ['INPUT_OBJECT'], args: [], isRepeatable: false },
  {
    name: 'skip',
    locations: ['FIELD', 'FRAGMENT_SPREAD', 'INLINE_FRAGMENT'],
    args: ['if'],
    isRepeatable: false,
  },
  { name: 'specifiedBy', locations: ['SCALAR'], args: ['url'], isRepeatable: false },
];
const isSpecified = (name: string) => SPEC_DIRECTIVES.some((directive) => directive.name === name);

interface IntrospectedDirective {
  name: string;
  locations: string[];
  isRepeatable: boolean;
  args: { name: string }[];
}

describe('GraphQL schema: built-in directives', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('introspection lists the built-in directives exactly as the spec defines them', async () => {
    const response = await t.graphql<{ __schema: { directives: IntrospectedDirective[] } }>(
      '{ __schema { directives { name locations isRepeatable args(includeDeprecated: true) { name } } } }',
    );
    expect(response.errors).toBeUndefined();
    const builtIn = response
      .data!.__schema.directives.filter((directive) => isSpecified(directive.name))
      .map((directive) => ({
        name: directive.name,
        locations: [...directive.locations].sort(),
        args: directive.args.map((arg) => arg.name).sort(),
        isRepeatable: directive.isRepeatable,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(builtIn).toEqual(SPEC_DIRECTIVES);
  });

  it('sdk/schema.graphql declares no built-in directive, so each client uses its own', () => {
    const sdl = readFileSync(join(__dirname, '../../../sdk/schema.graphql'), 'utf8');
    const declared = parse(sdl).definitions.filter(
      (definition) => definition.kind === Kind.DIRECTIVE_DEFINITION && isSpecified(definition.name.value),
    );
    expect(declared).toEqual([]);
  });
});
