import { MigrationInterface } from 'typeorm';
import { MIGRATIONS } from '.';
import { combineMigrations, MigrationClass } from './combine';

/** A do-nothing migration named as TypeORM wants: `<Name><13-digit timestamp>`. */
function migration(name: string): MigrationClass {
  return class implements MigrationInterface {
    name = name;
    async up(): Promise<void> {}
    async down(): Promise<void> {}
  };
}

const namesOf = (list: MigrationClass[]) => list.map((m) => (new m() as MigrationInterface).name);

describe('combineMigrations', () => {
  it("merges the libs' lists in timestamp order, whatever order the libs are given in", () => {
    const core = [migration('CreateCore1700000000000'), migration('AddKeys1700000300000')];
    const catalog = [migration('CreateCatalog1700000100000')];
    const releases = [migration('CreateReleases1700000200000'), migration('IndexReleases1700000400000')];
    const expected = [
      'CreateCore1700000000000',
      'CreateCatalog1700000100000',
      'CreateReleases1700000200000',
      'AddKeys1700000300000',
      'IndexReleases1700000400000',
    ];
    expect(namesOf(combineMigrations({ core, catalog, releases }))).toEqual(expected);
    expect(namesOf(combineMigrations({ releases, catalog, core }))).toEqual(expected);
  });

  it('refuses two migrations with one timestamp, across libs or within one', () => {
    expect(() =>
      combineMigrations({
        catalog: [migration('CreateCatalog1700000100000')],
        releases: [migration('CreateReleases1700000100000')],
      }),
    ).toThrow(
      'Migrations CreateCatalog1700000100000 (catalog) and CreateReleases1700000100000 (releases) share ' +
        'the timestamp 1700000100000',
    );
    expect(() =>
      combineMigrations({ core: [migration('A1700000000000'), migration('B1700000000000')] }),
    ).toThrow('share the timestamp 1700000000000');
  });

  it("refuses a lib's list out of timestamp order", () => {
    expect(() =>
      combineMigrations({
        core: [migration('CreateCore1700000000000')],
        releases: [migration('IndexReleases1700000400000'), migration('CreateReleases1700000200000')],
      }),
    ).toThrow('migrations/releases: CreateReleases1700000200000 is listed after IndexReleases1700000400000');
  });

  it('refuses a migration whose name has no timestamp', () => {
    expect(() => combineMigrations({ core: [migration('CreateCore')] })).toThrow(
      'Migration CreateCore: its name must end with a 13-digit JavaScript timestamp',
    );
  });
});

describe('MIGRATIONS', () => {
  it('lists every lib migration in the order they have always run (moved into per-lib folders)', () => {
    expect(namesOf(MIGRATIONS)).toEqual([
      'CreateCore1764230400000',
      'CreateCatalog1764230500000',
      'CreateReleases1764230600000',
      'AddDeployWindowsAndFreezes1764230700000',
      'AddDeploymentApprovals1764230800000',
      'AddPromotionPolicies1764230900000',
      'AddDeploymentSchedulingAndRollback1764231000000',
      'CreateIncidents1764231100000',
      'AddAlertIngestion1764231150000',
      'AddAlertSourceDisabling1764231200000',
      'SealAlertSourceSecrets1764231400000',
      'IndexDeploymentLookups1764231600000',
      'JobRunsEnqueueWork1764231700000',
      'OutboxRelay1764231800000',
      'CreateWebhooks1764232100000',
      'SealIdempotentResponses1764232200000',
      'NotifyOutboxWrites1764232300000',
      'CreateFindings1764232400000',
      'CreateControls1764232500000',
      'AddOutcomeIntervals1764232600000',
      'AddDeploymentGateOverrides1764232700000',
      'AddObservationWindows1764232800000',
      'AddAuditChainCheckpoints1764232900000',
      'KeepResultsOnIntervals1764233000000',
      'CreateAdvisories1764233100000',
      'CreateSboms1764233200000',
      'CreateAdvisorySources1764233300000',
      'CreateEndpointScanResults1764233400000',
      'CreateVulnerabilityAnalyses1764233500000',
    ]);
  });
});
