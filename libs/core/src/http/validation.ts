import { ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, MetadataStorage } from 'class-validator';
import { AppError, CommonErrors, FieldError } from '../errors/app-error';

/**
 * Validates REST bodies, query strings and GraphQL arguments with the same class-validator rules.
 * Unknown fields are refused (a typo in a filter must not silently widen a query), and every
 * failing field is reported at once.
 */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
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

type Grouped = ReturnType<MetadataStorage['groupByPropertyName']>;
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/**
 * class-validator works out a class's rules afresh on every validation: it scans every decorated
 * class in the process for ancestors and regroups the result by property
 * (typestack/class-validator#2686). The rules of a class are fixed once its module has loaded,
 * so they are kept here per class and options, and the grouping per rule list. Registering a
 * rule (which only happens while modules load) forgets everything, so a class defined later is
 * never judged by stale rules. Neither result is modified by the validator.
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (memoized.has(storage)) return;
  memoized.add(storage);
  const targetRules = storage.getTargetValidationMetadatas.bind(storage);
  const groupRules = storage.groupByPropertyName.bind(storage);
  let rules = new WeakMap<Function, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Grouped>();
  const forget = () => {
    rules = new WeakMap();
    grouped = new WeakMap();
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? '-'}`;
    let byOptions = rules.get(target);
    if (!byOptions) {
      byOptions = new Map();
      rules.set(target, byOptions);
    }
    let found = byOptions.get(key);
    if (!found) {
      found = targetRules(target, schema, always, strictGroups, groups);
      byOptions.set(key, found);
    }
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (!found) {
      found = groupRules(metadata);
      grouped.set(metadata, found);
    }
    return found;
  };
  const addValidationMetadata = storage.addValidationMetadata.bind(storage);
  const addConstraintMetadata = storage.addConstraintMetadata.bind(storage);
  const addValidationSchema = storage.addValidationSchema.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    forget();
    addValidationMetadata(metadata);
  };
  storage.addConstraintMetadata = (metadata) => {
    forget();
    addConstraintMetadata(metadata);
  };
  storage.addValidationSchema = (schema) => {
    forget();
    addValidationSchema(schema);
  };
}

const memoized = new WeakSet<MetadataStorage>();
