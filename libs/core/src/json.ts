/**
 * A JSON object as stored in a jsonb column. Nested values are left as `object` on purpose: a
 * recursive type sends TypeORM's typed inserts into infinite instantiation.
 */
export type JsonValue = string | number | boolean | null | object;
export type JsonObject = { [key: string]: JsonValue };
