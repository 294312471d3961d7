import { PipeTransform } from '@nestjs/common';
import { AppError, CommonErrors } from '@opsplane/core';

/** The largest version number a path takes (an int4 column). */
export const MAX_VERSION = 2_147_483_647;

/** `/versions/{version}`: a positive integer, else 400 naming the parameter (not a 404 or a 500). */
export class ControlVersionParam implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    // A path gives text, GraphQL an Int.
    const version =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value)
          ? Number(value)
          : NaN;
    if (!(Number.isInteger(version) && version >= 1 && version <= MAX_VERSION))
      throw new AppError(CommonErrors.validation, 'The version in the path must be a positive integer.', {
        errors: [{ path: 'version', message: `version must be an integer from 1 to ${MAX_VERSION}` }],
      });
    return version;
  }
}
