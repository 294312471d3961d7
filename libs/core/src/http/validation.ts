import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, CommonErrors, FieldError } from '../errors/app-error';

/**
 * Validates REST bodies, query strings and GraphQL arguments with the same class-validator rules.
 * Unknown fields are refused (a typo in a filter must not silently widen a query), and every
 * failing field is reported at once.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
