import { errorCode } from '@opsplane/core';

/** Error codes of the security context. */
export const SecurityErrors = {
  advisoryNotFound: errorCode('advisory.not_found', 'not_found', 'Advisory not found'),
  sbomInvalid: errorCode('sbom.invalid', 'invalid', 'Not an SBOM this server reads'),
  sbomNotFound: errorCode('sbom.not_found', 'not_found', 'Release has no SBOM'),
} as const;
