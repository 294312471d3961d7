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
      const name = metadata.data ?? 'id';
      const where = metadata.type === 'param' ? `The ${name} in the path` : name;
      throw new AppError(CommonErrors.validation, `${where} must be a UUID.`, {
        errors: [{ path: name, message: `${name} must be a UUID` }],
      });
    }
  }
}

/** A path parameter or GraphQL argument holding an id. */
export const uuidParam = new UuidPipe();

/**
 * A nullable id argument, where null means "none" (GraphQL `setIncidentCause(deploymentId: null)`
 * clears the cause): null passes, anything else must be a UUID.
 */
export const nullableUuidArg = new UuidPipe({ optional: true });
