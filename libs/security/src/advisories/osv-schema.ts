import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import osvSchema from '../schemas/osv-schema.validation.schema.json';

/** One failing rule of the OSV schema: where (a JSON pointer into the record) and what. */
export interface OsvSchemaError {
  path: string;
  message: string;
}

let compiled: ValidateFunction | undefined;

/**
 * Checks a record against the OSV schema's own JSON schema (draft 2020-12, a copy in ../schemas):
 * an empty list when it is valid, else the first failing rule (ajv's `allErrors` stays off: a
 * hostile record could make that list as long as it likes).
 */
export function osvSchemaErrors(record: unknown): OsvSchemaError[] {
  compiled ??= compile();
  if (compiled(record)) return [];
  return (compiled.errors ?? []).slice(0, 5).map(toError);
}

function compile(): ValidateFunction {
  // strict off: the schema uses annotations ajv's strict mode refuses.
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  return ajv.compile(osvSchema);
}

function toError(error: ErrorObject): OsvSchemaError {
  const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  return { path: `${error.instancePath}${missing}`, message: error.message ?? error.keyword };
}
