import { ArgumentMetadata, ParseUUIDPipe } from '@nestjs/common';
import { AppError, CommonErrors } from '../errors/app-error';

/**
 * Ids must be UUIDs; anything else is a 400 naming the parameter or argument (`entryId`,
 * GraphQL `incidentId`), not a 404 or a 500.
 */
class UuidPipe extends ParseUUIDPipe {
  override async transform(
    value: string,
    metadata: ArgumentMetadata,
  ): ReturnType<ParseUUIDPipe['transform']> {
    try {
      return await super.transform(value, metadata);
    } catch {
      throw invalid(metadata, 'must be a UUID');
    }
  }
}

/**
 * An id argument that may be null but must be given: GraphQL cannot say "required but nullable",
 * and an omitted argument must not mean the same as an explicit null that clears something.
 */
class NullableUuidPipe extends UuidPipe {
  override async transform(
    value: string | null | undefined,
    metadata: ArgumentMetadata,
  ): ReturnType<ParseUUIDPipe['transform']> {
    if (value === undefined) throw invalid(metadata, 'is required (null clears it)');
    if (value === null) return null;
    return super.transform(value, metadata);
  }
}

function invalid(metadata: ArgumentMetadata, problem: string): AppError {
  const name = metadata.data ?? 'id';
  const where = metadata.type === 'param' ? `The ${name} in the path` : name;
  return new AppError(CommonErrors.validation, `${where} ${problem}.`, {
    errors: [{ path: name, message: `${name} ${problem}` }],
  });
}

/** A path parameter or GraphQL argument holding an id. */
export const uuidParam = new UuidPipe();

/**
 * A nullable id argument, where null means "none" (GraphQL `setIncidentCause(deploymentId: null)`
 * clears the cause): null passes, omitting it is a 400, anything else must be a UUID.
 */
export const nullableUuidArg = new NullableUuidPipe();
