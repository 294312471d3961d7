import { ParseUUIDPipe } from '@nestjs/common';
import { AppError, CommonErrors } from '../errors/app-error';

/** Path ids must be UUIDs; anything else is a 400 naming the parameter, not a 404 or a 500. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () =>
    new AppError(CommonErrors.validation, 'The id in the path must be a UUID.', {
      errors: [{ path: 'id', message: 'id must be a UUID' }],
    }),
});
