import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Ajv, {
  type AnySchemaObject,
  type ErrorObject,
  type FuncKeywordDefinition,
  type SchemaValidateFunction,
  type ValidateFunction,
} from 'ajv';
import addFormats from 'ajv-formats';
import addDraft2019Formats from 'ajv-formats-draft2019';
import spdx23Schema from '../schemas/spdx-2.3.schema.json';
import { canonicalJson } from '@opsplane/core';

/** The CycloneDX versions with a JSON schema (1.0 and 1.1 were XML only). */
export const CYCLONEDX_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7'] as const;
export type CycloneDxVersion = (typeof CYCLONEDX_VERSIONS)[number];

/** Which official schema a document is checked against. */
export type SbomSchema =
  { format: 'cyclonedx'; version: CycloneDxVersion } | { format: 'spdx'; version: '2.3' };

/** One failing schema rule, as the API names it in a 400. */
export interface SchemaError {
  /**
   * JSON pointer (RFC 6901) to the failing value, e.g. `/components/3/type`; `""` is the whole
   * document. For a missing or an unexpected property it points at that property.
   */
  path: string;
  /** The JSON Schema keyword that failed (`enum`, `required`, `type`, `pattern`, …). */
  keyword: string;
  message: string;
}

/** At most this many rules are reported; the first one is the one that matters. */
export const MAX_SCHEMA_ERRORS = 10;

/**
 * Checks a parsed document against its official schema: an empty list when it is valid, else the
 * first failing rule (with, for `oneOf`/`anyOf`, each alternative that failed), at most
 * MAX_SCHEMA_ERRORS. Not every failing rule: ajv's `allErrors` makes the error list as large as
 * an attacker's document wants, so it stays off (as in @cyclonedx/cyclonedx-library's validator).
 * The validator is compiled once per schema, on first use (100–350 ms for a CycloneDX schema).
 */
export async function validateAgainstSchema(schema: SbomSchema, document: unknown): Promise<SchemaError[]> {
  const validate = await validatorFor(schema);
  if (validate(document)) return [];
  return toSchemaErrors(validate.errors ?? []);
}

/**
 * Compiles every schema now rather than on the first upload of each version (1.7 s and 7 MB of
 * heap for all seven, measured here); for a process that would rather pay at start.
 */
export async function prepareSbomValidators(): Promise<void> {
  await Promise.all([
    ...CYCLONEDX_VERSIONS.map((version) => validatorFor({ format: 'cyclonedx', version })),
    validatorFor({ format: 'spdx', version: '2.3' }),
  ]);
}

const compiled = new Map<string, Promise<ValidateFunction>>();

function validatorFor(schema: SbomSchema): Promise<ValidateFunction> {
  const key = `${schema.format}-${schema.version}`;
  let validator = compiled.get(key);
  if (!validator) {
    validator = schema.format === 'spdx' ? compileSpdx() : compileCycloneDx(schema.version);
    compiled.set(key, validator);
    // A failed compile (a schema file missing from the install) is retried on the next call.
    void validator.catch(() => compiled.delete(key));
  }
  return validator;
}

/** The official SPDX 2.3 JSON schema (draft-07), a copy in ../schemas (see its SOURCES.md). */
function compileSpdx(): Promise<ValidateFunction> {
  // In a promise, so that a failure to compile rejects like the CycloneDX one does.
  return new Promise((resolve) => resolve(newAjv().compile(spdx23Schema)));
}

/**
 * The official CycloneDX schemas as @cyclonedx/cyclonedx-library ships them (`res/schema/`),
 * compiled with the options, formats and referenced schemas its own JsonValidator uses. Not that
 * validator itself: ajv's `uniqueItems` compares every pair of array items by deep equality, and
 * `components` is such an array, so validating took time quadratic in the component count (1.9 s
 * for 3,345 components, 5.8 MB; 0.1 s with the linear check below).
 */
async function compileCycloneDx(version: CycloneDxVersion): Promise<ValidateFunction> {
  const directory = join(
    dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res',
    'schema',
  );
  const load = async (file: string) =>
    JSON.parse(await readFile(join(directory, file), 'utf8')) as AnySchemaObject;
  // The bom schemas refer to these by a path relative to their own $id, which resolves to these URIs.
  const [bom, spdx, jsf, cryptography] = await Promise.all([
    load(`bom-${version}.SNAPSHOT.schema.json`),
    load('spdx.SNAPSHOT.schema.json'),
    load('jsf-0.82.SNAPSHOT.schema.json'),
    load('cryptography-defs.SNAPSHOT.schema.json'),
  ]);
  const ajv = newAjv();
  ajv.addSchema(spdx, 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
  ajv.addSchema(jsf, 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
  ajv.addSchema(cryptography, 'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json');
  return ajv.compile(bom);
}

function newAjv(): Ajv {
  // strict off: the official schemas use keywords and formats ajv's strict mode refuses.
  const ajv = new Ajv({ strict: false, allErrors: false, useDefaults: false, addUsedSchema: false });
  addFormats(ajv);
  addDraft2019Formats(ajv, { formats: ['idn-email'] });
  // As the library does: the CycloneDX schemas use it for URLs that are often not quite IRIs.
  ajv.addFormat('iri-reference', true);
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword(linearUniqueItems);
  return ajv;
}

/**
 * `uniqueItems` in one pass: each item's canonical JSON into a map. JSON Schema equality is
 * equality of the JSON values (key order does not count), which is what equal canonical texts mean.
 */
const hasUniqueItems: SchemaValidateFunction = (unique: boolean, data: unknown[]): boolean => {
  if (!unique || data.length < 2) return true;
  const firstIndexOf = new Map<string, number>();
  for (let index = 0; index < data.length; index++) {
    const text = canonicalJson(data[index]);
    const first = firstIndexOf.get(text);
    if (first !== undefined) {
      // ajv's own wording and params for this rule.
      hasUniqueItems.errors = [
        {
          keyword: 'uniqueItems',
          message: `must NOT have duplicate items (items ## ${first} and ${index} are identical)`,
          params: { i: index, j: first },
        },
      ];
      return false;
    }
    firstIndexOf.set(text, index);
  }
  return true;
};

const linearUniqueItems: FuncKeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  errors: true,
  validate: hasUniqueItems,
};

/** ajv's errors as SchemaErrors: each said once, at most MAX_SCHEMA_ERRORS. */
export function toSchemaErrors(errors: ErrorObject[]): SchemaError[] {
  const seen = new Set<string>();
  const result: SchemaError[] = [];
  for (const error of errors) {
    const described = describe(error);
    const key = `${described.path}\n${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(described);
    if (result.length === MAX_SCHEMA_ERRORS) break;
  }
  return result;
}

/** ajv's message, with the property or the allowed values it leaves in `params` put into words. */
function describe(error: ErrorObject): SchemaError {
  const { keyword, instancePath: path, params } = error;
  const message = error.message ?? `must pass the "${keyword}" rule`;
  const param = (name: string): unknown => (params as Record<string, unknown>)[name];
  switch (keyword) {
    case 'required':
      return { path: childPath(path, String(param('missingProperty'))), keyword, message: 'is required' };
    case 'additionalProperties':
      return {
        path: childPath(path, String(param('additionalProperty'))),
        keyword,
        message: 'is not a property the schema allows here',
      };
    case 'enum':
      return { path, keyword, message: `${message}: ${listed(param('allowedValues'))}` };
    case 'const':
      return { path, keyword, message: `must be ${JSON.stringify(param('allowedValue'))}` };
    default:
      return { path, keyword, message };
  }
}

function childPath(path: string, property: string): string {
  return `${path}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The SPDX licence list is an enum of some 700 ids: beyond 20 values, name the first 10. */
function listed(values: unknown): string {
  const all = Array.isArray(values) ? values.map((value) => JSON.stringify(value)) : [];
  return all.length > 20 ? `${all.slice(0, 10).join(', ')}, … (${all.length} in all)` : all.join(', ');
}
