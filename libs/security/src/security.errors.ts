import { errorCode } from '@opsplane/core';

/** Error codes of the security context. */
export const SecurityErrors = {
  advisoryNotFound: errorCode('advisory.not_found', 'not_found', 'Advisory not found'),
  advisoryZipInvalid: errorCode('advisory.invalid_zip', 'invalid', 'Not a readable zip of OSV records'),
  advisoryDocumentInvalid: errorCode('advisory.invalid_document', 'invalid', 'Not an OSV document'),
  analysisNotFound: errorCode('vex.analysis_not_found', 'not_found', 'Finding has no VEX analysis'),
  notAVulnerability: errorCode('vex.not_a_vulnerability', 'conflict', 'Not a vulnerability finding'),
  vexInvalid: errorCode('vex.invalid', 'invalid', 'Not a CycloneDX VEX document this server reads'),
  sbomInvalid: errorCode('sbom.invalid', 'invalid', 'Not an SBOM this server reads'),
  sbomNotFound: errorCode('sbom.not_found', 'not_found', 'Release has no SBOM'),
} as const;
