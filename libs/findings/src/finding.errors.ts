import { errorCode } from '@opsplane/core';

/** Error codes of the findings context. */
export const FindingErrors = {
  findingNotFound: errorCode('finding.not_found', 'not_found', 'Finding not found'),
  illegalTransition: errorCode('finding.illegal_transition', 'conflict', 'Illegal finding status transition'),
} as const;
