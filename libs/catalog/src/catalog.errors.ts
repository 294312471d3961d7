import { errorCode } from '@opsplane/core';

export const CatalogErrors = {
  environmentNotFound: errorCode('environment.not_found', 'not_found', 'Environment not found'),
  environmentSlugTaken: errorCode('environment.slug_taken', 'conflict', 'Environment slug already taken'),
  environmentArchived: errorCode('environment.archived', 'conflict', 'Environment is archived'),
  environmentNotArchived: errorCode('environment.not_archived', 'conflict', 'Environment is not archived'),
  factsTooLarge: errorCode('environment.facts_too_large', 'invalid', 'Environment facts too large'),
  serviceNotFound: errorCode('service.not_found', 'not_found', 'Service not found'),
  serviceSlugTaken: errorCode('service.slug_taken', 'conflict', 'Service slug already taken'),
  serviceArchived: errorCode('service.archived', 'conflict', 'Service is archived'),
  serviceNotArchived: errorCode('service.not_archived', 'conflict', 'Service is not archived'),
  /**
   * One code whatever stands in the way (a guard of another context, see ArchiveGuards), like
   * `deployment.gates_failed`: `errors` names each blocker, e.g. `deployments.<id>`.
   */
  archiveBlocked: errorCode('catalog.archive_blocked', 'conflict', 'Still in use; cannot be archived yet'),
} as const;
