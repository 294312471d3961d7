/** Importing OSV ecosystem exports (zip files) without holding them in memory: spool, then read. */
export {
  DEFAULT_MAX_TOTAL_BYTES,
  isZip,
  OsvZipError,
  readOsvZip,
  type OsvZipEntry,
  type OsvZipEntryProblem,
  type OsvZipErrorReason,
  type OsvZipLimits,
} from './osv-zip';
export {
  newSpoolFile,
  spoolToTempFile,
  SpoolTooLargeError,
  type SpooledFile,
  type SpoolOptions,
} from './spool';
