import { applyDecorators, Type as ClassType } from '@nestjs/common';
import {
  ArgsType,
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { UUID_PATTERN } from '../ids';

/**
 * One decorator per field gives it everything at once: the class-validator rules (REST body,
 * query and GraphQL args alike), the OpenAPI property, the GraphQL field, and a JSON schema
 * fragment Fastify uses to serialise hot responses. Without it every field carries a wall of
 * four decorators that drift apart.
 */
export interface FieldOptions {
  description?: string;
  /** Inputs: may be omitted. */
  optional?: boolean;
  /**
   * May be null. Outputs: the field is always sent, possibly null. Inputs: an explicit null is
   * accepted; the default for optional inputs, except in `PartialOf` copies, where null would be
   * written over the stored value, so only fields declared `nullable: true` (null clears them) take it.
   */
  nullable?: boolean;
  example?: unknown;
}

type JsonSchema = Record<string, unknown>;

const JSON_SCHEMA_KEY = Symbol('opsplane:json-schema');
const FIELDS_KEY = Symbol('opsplane:fields');

/** How each property was declared, so `PartialOf` can declare it again as optional. */
type FieldDeclarations = Record<string, () => PropertyDecorator>;

interface FieldSpec {
  graphqlType: () => unknown;
  openapi: Record<string, unknown>;
  json: JsonSchema;
  validators: PropertyDecorator[];
  isArray?: boolean;
}

function field(spec: FieldSpec, options: FieldOptions): PropertyDecorator {
  const optional = options.optional ?? false;
  const nullable = options.nullable ?? optional;
  // The partial version (PATCH): may be omitted; null only where declared to clear the field.
  const asPartial = () => field(spec, { ...options, optional: true, nullable: options.nullable === true });
  const record: PropertyDecorator = (target, key) => {
    const declared = (Reflect.getMetadata(FIELDS_KEY, target) as FieldDeclarations | undefined) ?? {};
    Reflect.defineMetadata(FIELDS_KEY, { ...declared, [key]: asPartial }, target);
    const properties =
      (Reflect.getMetadata(JSON_SCHEMA_KEY, target) as Record<string, JsonSchema> | undefined) ?? {};
    const json = spec.isArray ? { type: 'array', items: spec.json } : spec.json;
    Reflect.defineMetadata(
      JSON_SCHEMA_KEY,
      { ...properties, [key]: nullable || optional ? orNull(json) : json },
      target,
    );
  };
  const graphqlType = spec.isArray ? () => [spec.graphqlType()] : spec.graphqlType;
  return applyDecorators(
    record,
    Field(graphqlType as () => ClassType, {
      nullable: optional || nullable,
      description: options.description,
    }),
    ApiProperty({
      ...spec.openapi,
      ...(spec.isArray ? { isArray: true } : {}),
      required: !optional,
      nullable: nullable || undefined,
      description: options.description,
      example: options.example,
    }),
    // IsOptional also skips validation for null; a non-nullable optional field validates null (and fails).
    // A required nullable input (`{ deploymentId: null }` clears) must be sent, but may be null.
    ...(optional
      ? [nullable ? IsOptional() : ValidateIf((_object, value) => value !== undefined)]
      : nullable
        ? [ValidateIf((_object, value) => value !== null)]
        : []),
    ...spec.validators,
  );
}

function orNull(json: JsonSchema): JsonSchema {
  return typeof json.type === 'string'
    ? { ...json, type: [json.type, 'null'] }
    : { anyOf: [json, { type: 'null' }] };
}

const each = (isArray: boolean | undefined) => ({ each: isArray === true });

export const Prop = {
  string(
    options: FieldOptions & {
      minLength?: number;
      maxLength?: number;
      pattern?: RegExp;
      patternHint?: string;
      isArray?: boolean;
    } = {},
  ) {
    const { minLength = 1, maxLength = 200, pattern, patternHint } = options;
    return field(
      {
        graphqlType: () => String,
        openapi: { type: String, minLength, maxLength, pattern: pattern?.source },
        json: { type: 'string' },
        isArray: options.isArray,
        validators: [
          IsString(each(options.isArray)),
          NoNulCharacter(each(options.isArray)),
          MinLength(minLength, each(options.isArray)),
          MaxLength(maxLength, each(options.isArray)),
          ...(pattern
            ? [
                Matches(pattern, {
                  ...each(options.isArray),
                  message: `$property ${patternHint ?? `must match ${pattern.source}`}`,
                }),
              ]
            : []),
          ...(options.isArray ? [ArrayMaxSize(100)] : []),
        ],
      },
      options,
    );
  },

  /** Lower-case identifier users type in URLs and filters; stable across renames of `name`. */
  slug(options: FieldOptions & { isArray?: boolean } = {}) {
    return Prop.string({
      ...options,
      maxLength: 63,
      pattern: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
      patternHint: 'must be lower-case letters, digits and inner hyphens (at most 63)',
      example: options.example ?? 'checkout-api',
    });
  },

  url(options: FieldOptions & { isArray?: boolean } = {}) {
    return field(
      {
        graphqlType: () => String,
        openapi: { type: String, format: 'uri', maxLength: 2048 },
        json: { type: 'string' },
        isArray: options.isArray,
        validators: [
          IsUrl(
            { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
            each(options.isArray),
          ),
          MaxLength(2048, each(options.isArray)),
          ...(options.isArray ? [ArrayMaxSize(50)] : []),
        ],
      },
      options,
    );
  },

  /**
   * A whole number, by default within int32. A wider `min`/`max` keeps the documented types true:
   * GraphQL's Int is 32 bits by the spec (graphql-js refuses to send a larger value, failing the
   * whole query), so such a field is a Float in GraphQL and an `int64` integer in OpenAPI; its
   * values stay whole and exact (below 2^53).
   */
  int(options: FieldOptions & { min?: number; max?: number; isArray?: boolean; maxItems?: number } = {}) {
    const { min = INT32_MIN, max = INT32_MAX } = options;
    const wide = min < INT32_MIN || max > INT32_MAX;
    return field(
      {
        graphqlType: () => (wide ? Float : Int),
        openapi: { type: 'integer', ...(wide ? { format: 'int64' } : {}), minimum: min, maximum: max },
        json: { type: 'integer' },
        isArray: options.isArray,
        validators: [
          // Query strings arrive as text; only exact integers are converted so "1.5" or "abc" still fail.
          ...(options.isArray
            ? []
            : [
                Transform(({ value }: { value: unknown }) =>
                  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value,
                ),
              ]),
          IsInt(each(options.isArray)),
          Min(min, each(options.isArray)),
          Max(max, each(options.isArray)),
          ...(options.isArray ? [IsArray(), ArrayMaxSize(options.maxItems ?? 100)] : []),
        ],
      },
      options,
    );
  },

  /** A fraction from 0 to 1 (a pass rate, a share): a Float in GraphQL, a number in OpenAPI. */
  ratio(options: FieldOptions = {}) {
    return field(
      {
        graphqlType: () => Float,
        openapi: { type: 'number', minimum: 0, maximum: 1 },
        json: { type: 'number' },
        validators: [IsNumber({ allowNaN: false, allowInfinity: false }), Min(0), Max(1)],
      },
      options,
    );
  },

  bool(options: FieldOptions = {}) {
    return field(
      {
        graphqlType: () => Boolean,
        openapi: { type: Boolean },
        json: { type: 'boolean' },
        validators: [
          Transform(({ value }: { value: unknown }) =>
            value === 'true' ? true : value === 'false' ? false : value,
          ),
          IsBoolean(),
        ],
      },
      options,
    );
  },

  enum<T extends string>(
    values: readonly T[],
    enumName: string,
    options: FieldOptions & { isArray?: boolean } = {},
  ) {
    const graphqlEnum = registerEnum(values, enumName);
    return field(
      {
        graphqlType: () => graphqlEnum,
        openapi: { enum: values, enumName },
        json: { type: 'string', enum: values },
        isArray: options.isArray,
        validators: [
          IsIn(values, {
            ...each(options.isArray),
            message: `$property must be one of: ${values.join(', ')}`,
          }),
        ],
      },
      options,
    );
  },

  uuid(options: FieldOptions & { isArray?: boolean } = {}) {
    return field(
      {
        graphqlType: () => ID,
        openapi: { type: String, format: 'uuid', pattern: UUID_PATTERN.source },
        json: { type: 'string' },
        isArray: options.isArray,
        validators: [
          Matches(UUID_PATTERN, { ...each(options.isArray), message: '$property must be a UUID' }),
        ],
      },
      options,
    );
  },

  /**
   * ISO-8601 timestamp, always UTC on the way out. Accepted only within INSTANT_RANGE, in every
   * body, query string and GraphQL argument alike. Inputs (the fields that may be omitted: every
   * date input, and every `PartialOf` copy) say so in their description; outputs do not, since
   * rows written before the bound, or derived from stored instants, may lie outside it.
   */
  date(options: FieldOptions = {}) {
    const description =
      options.optional === true
        ? `${options.description ? `${options.description} ` : ''}Must be ${INSTANT_RANGE_TEXT}.`
        : options.description;
    return field(
      {
        graphqlType: () => GraphQLISODateTime,
        openapi: { type: String, format: 'date-time' },
        json: { type: 'string', format: 'date-time' },
        validators: [
          Transform(({ value }: { value: unknown }) =>
            typeof value === 'string' && ISO_DATE.test(value) ? new Date(value) : value,
          ),
          IsDate({ message: '$property must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z' }),
          InInstantRange(),
        ],
      },
      { ...options, description },
    );
  },

  /**
   * A free-form JSON object (e.g. environment facts). Nesting is bounded: a GraphQL literal is not
   * checked by the body parser's depth limit, and a document nested thousands deep stored here
   * breaks the JSON clients that read it back.
   */
  json(options: FieldOptions & { maxDepth?: number } = {}) {
    const maxDepth = options.maxDepth ?? JSON_FIELD_MAX_DEPTH;
    const limit = `Objects and arrays nest at most ${maxDepth} levels deep.`;
    return field(
      {
        graphqlType: () => GraphQLJSONObject,
        openapi: { type: 'object', additionalProperties: true },
        json: { type: 'object', additionalProperties: true },
        validators: [IsObject(), NoNulCharacter(), MaxJsonDepth(maxDepth)],
      },
      { ...options, description: options.description ? `${options.description} ${limit}` : limit },
    );
  },

  /** A nested object (or array of them) of another decorated class. */
  nested(type: () => ClassType, options: FieldOptions & { isArray?: boolean; maxItems?: number } = {}) {
    return field(
      {
        graphqlType: type,
        // @nestjs/swagger takes a function for a lazy type only when it is named `type` (as this
        // arrow is); the caller's anonymous thunk was read as a class named '' (`$ref: …/schemas/`).
        openapi: { type: () => type() },
        json: { $ref: type },
        isArray: options.isArray,
        validators: [
          ValidateNested(each(options.isArray)),
          Type(type),
          ...(options.isArray ? [ArrayMaxSize(options.maxItems ?? 100)] : []),
        ],
      },
      options,
    );
  },
};

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * The instants the API accepts: from 2000-01-01T00:00:00Z (included) to 2100-01-01T00:00:00Z
 * (excluded). Wide enough for any operations record (imported history back to 2000) and for
 * scheduling decades ahead; narrow enough that nothing computed from them surprises a client.
 * PostgreSQL and JavaScript would take 4713 BC to 275760 AD, where a duration in seconds no longer
 * fits any documented integer type and `0001-01-01` (Alertmanager's "unset") reads as a real
 * date. Even this range spans 3,155,760,000 s (MAX_INSTANT_SPAN_SECONDS), beyond int32: a
 * duration between two accepted instants is documented as int64 (see `Prop.int`).
 */
export const INSTANT_RANGE = {
  from: new Date('2000-01-01T00:00:00Z'),
  until: new Date('2100-01-01T00:00:00Z'),
} as const;

const isoText = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/** "between … (included) and … (excluded)": in every date input's description and refusal. */
export const INSTANT_RANGE_TEXT = `between ${isoText(INSTANT_RANGE.from)} (included) and ${isoText(INSTANT_RANGE.until)} (excluded)`;

/** The longest span between two accepted instants, in whole seconds (100 years). */
export const MAX_INSTANT_SPAN_SECONDS = (INSTANT_RANGE.until.getTime() - INSTANT_RANGE.from.getTime()) / 1000;

/** Whether an instant is one the API accepts (for inputs that are not decorated fields). */
export function isInInstantRange(date: Date): boolean {
  const time = date.getTime();
  return time >= INSTANT_RANGE.from.getTime() && time < INSTANT_RANGE.until.getTime();
}

/** Leaves anything but a valid Date to IsDate, so a bad value gets one message, not two. */
function InInstantRange(): PropertyDecorator {
  return ValidateBy({
    name: 'inInstantRange',
    validator: {
      validate: (value: unknown) =>
        !(value instanceof Date) || Number.isNaN(value.getTime()) || isInInstantRange(value),
      defaultMessage: () => `$property must be ${INSTANT_RANGE_TEXT}`,
    },
  });
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb; refused here it is a 400 naming the field
 * instead of a 500 from the database. Looks inside JSON objects too (keys and values).
 */
function NoNulCharacter(options: { each?: boolean } = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'noNulCharacter',
      validator: {
        validate: (value: unknown) => !containsNul(value),
        defaultMessage: () => '$property must not contain NUL (\\u0000) characters',
      },
    },
    options,
  );
}

/** Default nesting bound of a free-form JSON field, the field itself being level 1. */
export const JSON_FIELD_MAX_DEPTH = 16;

function MaxJsonDepth(maxDepth: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxJsonDepth',
    validator: {
      validate: (value: unknown) => jsonDepth(value, maxDepth) <= maxDepth,
      defaultMessage: () => `$property must not nest objects and arrays more than ${maxDepth} levels deep`,
    },
  });
}

/** Nesting depth of a parsed JSON value, walked without recursion and stopping past `stopAfter`. */
function jsonDepth(value: unknown, stopAfter: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > stopAfter) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item));
  return false;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const enums = new Map<string, object>();
function registerEnum(values: readonly string[], name: string): object {
  const existing = enums.get(name);
  if (existing) return existing;
  const enumObject = Object.fromEntries(values.map((value) => [value, value]));
  registerEnumType(enumObject, { name });
  enums.set(name, enumObject);
  return enumObject;
}

/** An output type: named the same in OpenAPI and GraphQL. */
export function Model(name: string, description?: string): ClassDecorator {
  return applyDecorators(ObjectType(name, { description }), ApiSchema({ name, description }));
}

/** A request body / GraphQL input type. */
export function Input(name: string, description?: string): ClassDecorator {
  return applyDecorators(InputType(name, { description }), ApiSchema({ name, description }));
}

/**
 * The same fields with every one optional (PATCH bodies, update mutations), declared anew so
 * validation, OpenAPI and GraphQL all see the optional version. Extend it and name the subclass:
 * `@Input('UpdateXInput') class UpdateXInput extends PartialOf(CreateXInput) {}`.
 */
export function PartialOf<T>(base: ClassType<T>): ClassType<Partial<T>> {
  class PartialInput {}
  const declared =
    (Reflect.getMetadata(FIELDS_KEY, base.prototype as object) as FieldDeclarations | undefined) ?? {};
  for (const [key, declare] of Object.entries(declared)) declare()(PartialInput.prototype, key);
  InputType({ isAbstract: true })(PartialInput);
  return PartialInput;
}

/** Query-string filters (REST) and field arguments (GraphQL). */
export function Args(): ClassDecorator {
  const argsType = ArgsType();
  return (target) => {
    ARGUMENT_CLASSES.add(target);
    argsType(target);
  };
}

const ARGUMENT_CLASSES = new WeakSet<object>();

/**
 * Whether a class is declared with `@Args()`: the filters of a list or a lookup, flat scalars
 * that repeat across requests (the validation pipe remembers them, see validation.ts).
 */
export function isArgumentClass(type: unknown): boolean {
  return typeof type === 'function' && ARGUMENT_CLASSES.has(type);
}

/**
 * The JSON schema of a decorated model, for Fastify's response serialiser. Nested models are
 * expanded; unknown properties are dropped, so nothing leaks that the model does not declare.
 */
export function jsonSchemaOf(model: ClassType): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  let proto: object | null = model.prototype as object;
  while (proto && proto !== Object.prototype) {
    const own =
      (Reflect.getOwnMetadata(JSON_SCHEMA_KEY, proto) as Record<string, JsonSchema> | undefined) ?? {};
    for (const [key, schema] of Object.entries(own)) properties[key] ??= expandRefs(schema);
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return { type: 'object', properties, required: Object.keys(properties) };
}

function expandRefs(schema: JsonSchema): JsonSchema {
  if (typeof schema.$ref === 'function') return jsonSchemaOf((schema.$ref as () => ClassType)());
  const out: JsonSchema = { ...schema };
  if (schema.items) out.items = expandRefs(schema.items as JsonSchema);
  if (Array.isArray(schema.anyOf)) out.anyOf = (schema.anyOf as JsonSchema[]).map(expandRefs);
  return out;
}
