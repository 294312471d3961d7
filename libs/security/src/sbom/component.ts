import type { PackageVersion } from '../packages';
import { readPurl } from './purl';
import type { SbomComponent, SbomProblem, SbomSubject } from './sbom';

/** What both formats' readers produce; readSbom adds format, version and hash. */
export interface SbomContent {
  subject: SbomSubject | null;
  hasDependencyGraph: boolean;
  components: SbomComponent[];
  problems: SbomProblem[];
}

/** A component as the format reader found it, before its purl is read. */
export interface StatedComponent {
  path: string;
  ref: string | null;
  name: string;
  group: string | null;
  version: string | null;
  /** The purl the SBOM states, and where (for the problem if it does not parse). */
  purl: { text: string; path: string } | null;
  /** Another purl to try when none is stated (a CycloneDX bom-ref that is one); failures are silent. */
  impliedPurl: string | null;
  licenses: string[];
  scope: SbomComponent['scope'];
}

/** Reads the purl into the normalised purl and OSV package; a purl that does not parse is a problem. */
export function toComponent(stated: StatedComponent, problems: SbomProblem[]): SbomComponent {
  const { path, ref, name, group, version, licenses, scope } = stated;
  const identity = identify(stated, problems);
  return { path, ref, name, group, version, ...identity, licenses, scope, dependency: null };
}

export function toSubject(stated: StatedComponent, problems: SbomProblem[]): SbomSubject {
  return { name: stated.name, version: stated.version, purl: identify(stated, problems).purl };
}

function identify(
  stated: StatedComponent,
  problems: SbomProblem[],
): { purl: string | null; osvPackage: PackageVersion } {
  if (stated.purl) {
    const reading = readPurl(stated.purl.text, stated.version);
    if (reading.ok) return reading.read;
    problems.push({
      path: stated.purl.path,
      code: 'invalid_purl',
      message: `${JSON.stringify(stated.purl.text)} is not a valid purl: ${reading.message}`,
    });
  } else if (stated.impliedPurl) {
    const reading = readPurl(stated.impliedPurl, stated.version);
    if (reading.ok) return reading.read;
  }
  const name = stated.group ? `${stated.group}/${stated.name}` : stated.name;
  return { purl: null, osvPackage: { ecosystem: null, name, version: stated.version } };
}
