import { ArgumentMetadata, Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { AppError, CommonErrors } from '../errors/app-error';
import { UUID_PATTERN, UUID_SCHEMA } from '../ids';

/**
 * Ids must be UUIDs (UUID_PATTERN); anything else is a 400 naming the parameter or argument
 * (`entryId`, GraphQL `incidentId`), not a 404 or a 500.
 */
class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw invalid(metadata, 'must be a UUID');
    return value;
  }
}

/**
 * An id argument that may be null but must be given: GraphQL cannot say "required but nullable",
 * and an omitted argument must not mean the same as an explicit null that clears something.
 */
class NullableUuidPipe implements PipeTransform<unknown, string | null> {
  transform(value: unknown, metadata: ArgumentMetadata): string | null {
    if (value === undefined) throw invalid(metadata, 'is required (null clears it)');
    if (value === null) return null;
    return uuidParam.transform(value, metadata);
  }
}

function invalid(metadata: ArgumentMetadata, problem: string): AppError {
  const name = metadata.data ?? 'id';
  const where = metadata.type === 'param' ? `The ${name} in the path` : name;
  return new AppError(CommonErrors.validation, `${where} ${problem}.`, {
    errors: [{ path: name, message: `${name} ${problem}` }],
  });
}

/** A GraphQL argument holding an id (`@Args('id', uuidParam)`). */
export const uuidParam = new UuidPipe();

/**
 * A path parameter holding an id: validated by uuidParam and documented in OpenAPI with the same
 * rule, so the document says exactly what the server takes.
 */
export function IdParam(name = 'id'): ParameterDecorator {
  return (target, method, index) => {
    Param(name, uuidParam)(target, method, index);
    if (method === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, method)!;
    ApiParam({ name, required: true, schema: { ...UUID_SCHEMA } })(target, method, descriptor);
  };
}

/**
 * A nullable id argument, where null means "none" (GraphQL `setIncidentCause(deploymentId: null)`
 * clears the cause): null passes, omitting it is a 400, anything else must be a UUID.
 */
export const nullableUuidArg = new NullableUuidPipe();
