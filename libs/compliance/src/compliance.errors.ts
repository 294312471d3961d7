import { errorCode } from '@opsplane/core';

/** Error codes of the compliance context. */
export const ComplianceErrors = {
  controlNotFound: errorCode('control.not_found', 'not_found', 'Control not found'),
  controlVersionNotFound: errorCode('control.version_not_found', 'not_found', 'Control version not found'),
  controlSlugTaken: errorCode('control.slug_taken', 'conflict', 'Another control has this slug'),
  scanNotFound: errorCode('compliance_scan.not_found', 'not_found', 'Compliance scan not found'),
  resultNotFound: errorCode('compliance_result.not_found', 'not_found', 'Compliance result not found'),
  waiverNotFound: errorCode('waiver.not_found', 'not_found', 'Waiver not found'),
  waiverEnded: errorCode('waiver.ended', 'conflict', 'The waiver has expired or was revoked'),
} as const;
