import { newId } from '@opsplane/core';
import { DataSource } from 'typeorm';

const TIERS = ['development', 'testing', 'staging', 'production', 'other'] as const;
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-1'];
const TEAMS = ['payments', 'checkout', 'identity', 'search', 'platform', 'data'];
const COLUMNS = [
  'id',
  'slug',
  'name',
  'tier',
  'rank',
  'is_protected',
  'endpoint_urls',
  'facts',
  'version',
  'created_at',
  'updated_at',
  'archived_at',
];

/**
 * Inserts `count` environments with plain multi-row INSERTs (the service would write an audit and an outbox
 * row per environment, which a read benchmark does not need). Values come from a fixed-seed
 * generator so every run reads the same data; every 20th environment is archived so the list's
 * `archived_at IS NULL` filter has something to skip, and ranks repeat so the (rank, id) keyset
 * tie-breaker is exercised. Realistic facts make a row about 900 bytes of JSON (a 47 KiB page);
 * `minimal` facts show how much of the cost is the payload rather than the request pipeline.
 */
export type FactsSize = 'realistic' | 'minimal';

export async function seedEnvironments(
  dataSource: DataSource,
  count: number,
  factsSize: FactsSize = 'realistic',
): Promise<void> {
  const random = seededRandom(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const start = Date.UTC(2025, 0, 1);
  const rows: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    const tier = TIERS[i % TIERS.length]!;
    const region = pick(REGIONS);
    const team = pick(TEAMS);
    const slug = `${team}-${tier}-${region}-${i}`;
    const createdAt = new Date(start + i * 3_600_000);
    const updatedAt = new Date(createdAt.getTime() + Math.floor(random() * 90) * 86_400_000);
    const endpointUrls = Array.from(
      { length: 1 + (i % 3) },
      (_, n) => `https://${['api', 'web', 'admin'][n]}.${slug}.example.com/health`,
    );
    const facts =
      factsSize === 'minimal'
        ? { tls: { minVersion: '1.3' } }
        : {
            cloud: { provider: 'aws', region, accountId: String(100_000_000_000 + i) },
            kubernetes: {
              cluster: `${team}-${region}`,
              version: pick(['1.29', '1.30', '1.31']),
              namespaces: [team, `${team}-jobs`],
            },
            tls: {
              minVersion: pick(['1.2', '1.3']),
              hsts: random() > 0.2,
              certificateExpiresAt: new Date(updatedAt.getTime() + 200 * 86_400_000).toISOString(),
            },
            backups: {
              enabled: tier !== 'development',
              retentionDays: pick([7, 14, 30, 90]),
              lastVerifiedAt: updatedAt.toISOString(),
            },
            encryption: { atRest: true, kmsKeyAlias: `alias/${team}-${tier}` },
            owners: [`team-${team}@example.com`],
            tags: {
              costCenter: `cc-${1000 + (i % 37)}`,
              dataClassification: pick(['public', 'internal', 'confidential']),
            },
          };
    rows.push([
      newId(),
      slug,
      `${capitalise(team)} ${tier} (${region})`,
      tier,
      Math.floor(i / 2) % 1000,
      tier === 'production',
      endpointUrls,
      JSON.stringify(facts),
      1 + (i % 5),
      createdAt,
      updatedAt,
      i % 20 === 19 ? updatedAt : null,
    ]);
  }
  // PostgreSQL takes at most 65535 parameters per statement.
  for (let first = 0; first < rows.length; first += 1000) {
    const params: unknown[] = [];
    const tuples = rows
      .slice(first, first + 1000)
      .map((values) => `(${values.map((value) => `$${params.push(value)}`).join(', ')})`);
    await dataSource.query(
      `INSERT INTO environments (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
  await dataSource.query('ANALYZE environments');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** mulberry32: small, fast and reproducible; quality is irrelevant here. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
