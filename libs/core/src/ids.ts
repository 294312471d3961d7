import { v7 } from 'uuid';

/** UUIDv7: time-ordered, so primary keys double as keyset tie-breakers and index inserts stay local. */
export function newId(): string {
  return v7();
}

/**
 * What the API takes as an id: the 8-4-4-4-12 hex form of RFC 9562, any version or variant, as
 * JSON Schema's `format: uuid` describes it. Stricter checks (class-validator's and Nest's refuse
 * a variant nibble 6 or version 0) turn ids a generated client may send into 400s where a 404 is
 * the truth. PostgreSQL's uuid type stores every such value.
 */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The OpenAPI schema of an id, the same rule as UUID_PATTERN. */
export const UUID_SCHEMA = { type: 'string', format: 'uuid', pattern: UUID_PATTERN.source } as const;
