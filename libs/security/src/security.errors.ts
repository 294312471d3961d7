import { errorCode } from '@opsplane/core';

/** Error codes of the security context. */
export const SecurityErrors = {
  advisoryNotFound: errorCode('advisory.not_found', 'not_found', 'Advisory not found'),
} as const;
