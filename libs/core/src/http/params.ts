import { ParseUUIDPipe } from '@nestjs/common';
import { AppError, CommonErrors } from '../errors/app-error';

/** Path ids must be UUIDs; anything else is a 400 naming the parameter, not a 404 or a 500. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () =>
    new AppError(CommonErrors.validation, 'The id in the path must be a UUID.', {
      errors: [{ path: 'id', message: 'id must be a UUID' }],
    }),
});

/**
 * A nullable id argument, where null means "none" (GraphQL `setIncidentCause(deploymentId: null)`
 * clears the cause): null passes, anything else must be a UUID, and the error names the argument
 * the way body validation does.
 */
export function nullableUuidArg(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    optional: true,
    exceptionFactory: () =>
      new AppError(CommonErrors.validation, `Invalid input: ${name}.`, {
        errors: [{ path: name, message: `${name} must be a UUID` }],
      }),
  });
}
