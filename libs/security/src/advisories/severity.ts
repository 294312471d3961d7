import type { FindingSeverity } from '@opsplane/findings';
import { Cvss3P0, Cvss3P1, Cvss4P0 } from 'ae-cvss-calculator';
import type { OsvRecord, OsvSeverity } from './osv-record';

/**
 * The severity a finding for an OSV record gets, with everything it was derived from.
 *
 * Which rating is used, in order:
 * 1. A CVSS vector's score (CVSS_V3: the base score of a 3.0 or 3.1 vector; CVSS_V4: the score of
 *    the vector as given, CVSS-B or -BT/-BE/-BTE when it carries threat or environmental metrics),
 *    rated as the CVSS specification does: 0 none (our `info`), 0.1–3.9 low, 4.0–6.9 medium,
 *    7.0–8.9 high, 9.0–10.0 critical. With several vectors the newest CVSS version wins (the
 *    database scored it most recently; 3.1 and 4.0 scores of one flaw differ by design), and
 *    within it the highest score, so a milder second opinion never understates the finding.
 * 2. Else the database's own rating (`database_specific.severity`: GitHub's LOW, MODERATE, HIGH,
 *    CRITICAL; MEDIUM too).
 * 3. Else `medium`: the record is a known vulnerability of unknown weight. `info` or `low` would
 *    bury it; `critical` would let advisories without any score block deployments at the gate.
 *    `basis: 'default'` says so, so the finding can show "no severity given".
 *
 * The vectors read are the matched `affected` entries' own `severity`, when any has one (the
 * schema allows per-package severity only when the record has none), else the record's.
 */
export function assessSeverity(
  record: OsvRecord,
  affectedIndexes: readonly number[] = [],
): SeverityAssessment {
  const entries = severityEntries(record, affectedIndexes);
  const scores: CvssScore[] = [];
  const unusable: UnusableSeverity[] = [];
  for (const { entry, source } of entries) {
    const result = scoreCvss(entry);
    if (result.ok) scores.push({ ...result.score, source });
    else unusable.push({ type: entry.type, score: entry.score, source, problem: result.problem });
  }
  const database = databaseSeverity(record);

  const chosen = [...scores].sort(byPreference)[0] ?? null;
  if (chosen !== null)
    return { rating: chosen.rating, basis: 'cvss', cvss: chosen, scores, unusable, database };
  if (database?.rating)
    return { rating: database.rating, basis: 'database', cvss: null, scores, unusable, database };
  return { rating: DEFAULT_RATING, basis: 'default', cvss: null, scores, unusable, database };
}

export const DEFAULT_RATING: FindingSeverity = 'medium';

export interface SeverityAssessment {
  /** The rating to give the finding. */
  rating: FindingSeverity;
  /** What `rating` rests on: a vector (`cvss`), the database's rating, or the default. */
  basis: 'cvss' | 'database' | 'default';
  /** The vector `rating` came from, when `basis` is `cvss`. */
  cvss: CvssScore | null;
  /** Every vector that could be scored. */
  scores: CvssScore[];
  /** Every severity entry that could not be used, and why (invalid vector, CVSS_V2, Ubuntu, …). */
  unusable: UnusableSeverity[];
  /** `database_specific.severity`, when the record has one. */
  database: DatabaseSeverity | null;
}

export type CvssVersion = '3.0' | '3.1' | '4.0';

export interface CvssScore {
  type: 'CVSS_V3' | 'CVSS_V4';
  vector: string;
  version: CvssVersion;
  /** 0.0–10.0: the base score for CVSS 3, the vector's score for CVSS 4 (see `nomenclature`). */
  score: number;
  /** `CVSS-B`, `CVSS-BT`, …: which metric groups a CVSS 4 score includes; `CVSS-B` for CVSS 3 base scores. */
  nomenclature: string;
  rating: FindingSeverity;
  source: SeveritySource;
}

/** Where a severity entry was found: the record's `severity`, or an `affected` entry's. */
export type SeveritySource = { level: 'record' } | { level: 'affected'; affectedIndex: number };

export interface UnusableSeverity {
  type: string;
  score: string;
  source: SeveritySource;
  problem: string;
}

export interface DatabaseSeverity {
  /** As the record spells it, e.g. `MODERATE`. */
  value: string;
  /** Null when the value is not one we know. */
  rating: FindingSeverity | null;
}

export type CvssResult = { ok: true; score: Omit<CvssScore, 'source'> } | { ok: false; problem: string };

/**
 * Scores one OSV severity entry. An invalid or unsupported entry is reported as `ok: false` with
 * the reason, never thrown. The calculator alone is lenient (it scores vectors with missing or
 * repeated metrics, and takes a 3.0 vector as 3.1), so the vector's shape is checked first.
 */
export function scoreCvss(entry: OsvSeverity): CvssResult {
  const vector = entry.score;
  if (entry.type !== 'CVSS_V3' && entry.type !== 'CVSS_V4') {
    return { ok: false, problem: `severity type ${entry.type} is not scored (only CVSS_V3 and CVSS_V4 are)` };
  }
  const version = cvssVersionOf(vector);
  const expected = entry.type === 'CVSS_V3' ? ['3.0', '3.1'] : ['4.0'];
  if (version === null || !expected.includes(version)) {
    return { ok: false, problem: `not a CVSS ${expected.join(' or ')} vector (CVSS:${expected[0]}/…)` };
  }
  const shapeProblem = vectorShapeProblem(vector, version);
  if (shapeProblem !== null) return { ok: false, problem: shapeProblem };

  try {
    const calculator = calculatorFor(version, vector);
    if (!calculator.isBaseFullyDefined()) return { ok: false, problem: 'a base metric is not defined (X)' };
    const scores = calculator.calculateScores();
    const score = version === '4.0' ? scores.overall : scores.base;
    if (score === undefined || !Number.isFinite(score))
      return { ok: false, problem: 'the calculator gave no score' };
    const nomenclature = calculator instanceof Cvss4P0 ? calculator.getNomenclature() : 'CVSS-B';
    return {
      ok: true,
      score: { type: entry.type, vector, version, score, nomenclature, rating: ratingForScore(score) },
    };
  } catch (error) {
    return {
      ok: false,
      problem: `rejected by the CVSS calculator: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** CVSS qualitative severity rating scale (CVSS 3.1 and 4.0 specifications), with "none" as `info`. */
export function ratingForScore(score: number): FindingSeverity {
  if (score >= 9.0) return 'critical';
  if (score >= 7.0) return 'high';
  if (score >= 4.0) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

const DATABASE_RATINGS: Readonly<Record<string, FindingSeverity>> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

/** GitHub's LOW / MODERATE / HIGH / CRITICAL (and MEDIUM), case-insensitively; null for anything else. */
export function ratingForDatabaseSeverity(value: string): FindingSeverity | null {
  const key = value.toUpperCase();
  return Object.hasOwn(DATABASE_RATINGS, key) ? DATABASE_RATINGS[key] : null;
}

/** Base metrics a vector must give, per CVSS version. */
const BASE_METRICS: Readonly<Record<CvssVersion, readonly string[]>> = {
  '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
};

function cvssVersionOf(vector: string): CvssVersion | null {
  const prefix = /^CVSS:(3\.0|3\.1|4\.0)\//.exec(vector);
  return prefix ? (prefix[1] as CvssVersion) : null;
}

/** Metrics as `KEY:VALUE` separated by `/`, each once, every base metric present. Values are the calculator's to judge. */
function vectorShapeProblem(vector: string, version: CvssVersion): string | null {
  const metrics = vector.split('/').slice(1);
  const seen = new Set<string>();
  for (const metric of metrics) {
    const match = /^([A-Za-z]+):([A-Za-z]+)$/.exec(metric);
    if (match === null) return `"${metric}" is not a METRIC:VALUE pair`;
    if (seen.has(match[1])) return `metric ${match[1]} is given twice`;
    seen.add(match[1]);
  }
  const missing = BASE_METRICS[version].filter((metric) => !seen.has(metric));
  return missing.length > 0
    ? `base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`
    : null;
}

function calculatorFor(version: CvssVersion, vector: string): Cvss3P0 | Cvss3P1 | Cvss4P0 {
  switch (version) {
    case '3.0':
      return new Cvss3P0(vector);
    case '3.1':
      return new Cvss3P1(vector);
    case '4.0':
      return new Cvss4P0(vector);
  }
}

const VERSION_PREFERENCE: Readonly<Record<CvssVersion, number>> = { '4.0': 0, '3.1': 1, '3.0': 2 };

function byPreference(a: CvssScore, b: CvssScore): number {
  return VERSION_PREFERENCE[a.version] - VERSION_PREFERENCE[b.version] || b.score - a.score;
}

function severityEntries(
  record: OsvRecord,
  affectedIndexes: readonly number[],
): { entry: OsvSeverity; source: SeveritySource }[] {
  const fromAffected = affectedIndexes.flatMap((affectedIndex) =>
    (record.affected?.[affectedIndex]?.severity ?? []).map((entry) => ({
      entry,
      source: { level: 'affected', affectedIndex } as const,
    })),
  );
  if (fromAffected.length > 0) return fromAffected;
  return (record.severity ?? []).map((entry) => ({ entry, source: { level: 'record' } as const }));
}

function databaseSeverity(record: OsvRecord): DatabaseSeverity | null {
  const value = record.database_specific?.severity;
  return typeof value === 'string' ? { value, rating: ratingForDatabaseSeverity(value) } : null;
}
