/** Reading SBOMs into components: pure functions and their types, no Nest, no database. */
export { readSbom } from './read-sbom';
export {
  ACCEPTED_SBOM_FORMATS,
  type Sbom,
  type SbomComponent,
  type SbomProblem,
  type SbomReadResult,
  type SbomRejection,
  type SbomRejectionReason,
  type SbomSubject,
} from './sbom';
export { MAX_SBOM_DEPTH } from './recognise-sbom';
export {
  CYCLONEDX_VERSIONS,
  MAX_SCHEMA_ERRORS,
  prepareSbomValidators,
  type CycloneDxVersion,
  type SchemaError,
} from './sbom-schemas';
export { pep503, readPurl, type PurlReading, type ReadPurl } from './purl';
