import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, CommonErrors, FieldError } from '../errors/app-error';
import { isArgumentClass } from '../schema/fields';

/**
 * Validates REST bodies, query strings and GraphQL arguments with the same class-validator rules.
 * Unknown fields are refused (a typo in a filter must not silently widen a query), and every
 * failing field is reported at once.
 */
export function createValidationPipe(): ValidationPipe {
  return new RememberingValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new AppError(
        CommonErrors.validation,
        `Invalid input: ${fieldErrors.map((e) => e.path).join(', ')}.`,
        { errors: fieldErrors },
      );
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: message.replace(/^property (\S+) should not exist$/, 'unknown field'),
    }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * Nest's ValidationPipe that remembers the result for flat arguments it has seen: values of
 * `@Args()` classes (a list's filters, as a query string or GraphQL arguments) made of scalars,
 * which repeat across requests and, in a nested GraphQL read, once per parent (each
 * environment's `deployments(limit: 5)`).
 *
 * class-validator looks up a class's rules by testing the class against every class that has
 * rules (`instanceof` each, ~20 µs a call with this code base's few hundred), and a nested read
 * validates the same arguments for every parent; this turns the repeats into one map lookup.
 * Sound because the rules are pure functions of the value (no rule reads the clock or the
 * caller), and the remembered instance is frozen so no handler can change what another gets.
 * Bodies (`@Input()` classes) and nested values are validated every time.
 */
class RememberingValidationPipe extends ValidationPipe {
  private readonly remembered = new Map<unknown, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const key = isArgumentClass(metadata.metatype) ? flatKey(value) : undefined;
    if (key === undefined) return super.transform(value, metadata);
    let byValue = this.remembered.get(metadata.metatype);
    if (!byValue) {
      byValue = new Map();
      this.remembered.set(metadata.metatype, byValue);
    }
    const typedKey = `${String(metadata.type)}:${key}`;
    const known = byValue.get(typedKey);
    if (known) return known;
    const result = (await super.transform(value, metadata)) as unknown;
    if (typeof result !== 'object' || result === null) return result;
    if (byValue.size >= REMEMBERED_PER_CLASS) byValue.clear();
    byValue.set(typedKey, Object.freeze(result));
    return result;
  }
}

/** Distinct values remembered per class; more (cursors, ids) start the memory afresh. */
const REMEMBERED_PER_CLASS = 1000;
/** Longer flat values are rare and not worth a key. */
const MAX_KEY_LENGTH = 1000;

/** A key for an object of scalars (strings, numbers, booleans, null, Dates), else undefined. */
function flatKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const field of Object.values(value)) {
    // JSON writes an invalid Date (or a NaN) as null: such a value must meet its rules itself.
    if (field instanceof Date ? Number.isNaN(field.getTime()) : field !== null && typeof field === 'object')
      return undefined;
    if (typeof field === 'number' && !Number.isFinite(field)) return undefined;
  }
  const key = JSON.stringify(value);
  return key.length <= MAX_KEY_LENGTH ? key : undefined;
}
