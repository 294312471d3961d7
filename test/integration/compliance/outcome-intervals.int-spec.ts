import { newId } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { recordOutcomes } from '../../../libs/compliance/src/posture/outcome-intervals';
import { ResultEntity, ResultOutcome } from '../../../libs/compliance/src/scans/scan.entity';
import { createTestApp, TestApp } from '../../support/test-app';

const HOUR = 3_600_000;
const T0 = new Date('2035-09-01T00:00:00.000Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

/**
 * The outcome history of a (control, subject) as recordOutcomes folds results into it, one
 * transaction per subject's results as a scan job commits them, in any order they commit.
 */
describe('outcome intervals', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const pair = () => ({ subjectId: newId(), controlId: newId() });
  const result = (of: { subjectId: string; controlId: string }, outcome: ResultOutcome, hours: number) =>
    ({
      id: newId(),
      scanId: newId(),
      controlId: of.controlId,
      controlVersion: 1,
      subjectType: 'environment',
      subjectId: of.subjectId,
      outcome,
      message: null,
      evidenceSha256: `sha-${hours}`,
      waiverId: null,
      findingId: null,
      evaluatedAt: at(hours),
    }) satisfies ResultEntity;
  const fold = (...results: ResultEntity[]) => db.transaction((manager) => recordOutcomes(manager, results));
  const history = async (of: { subjectId: string; controlId: string }) =>
    (
      await db.query<
        {
          outcome: string;
          started_at: Date;
          ended_at: Date | null;
          last_evaluated_at: Date;
          last_evidence_sha256: string;
        }[]
      >(
        `SELECT outcome, started_at, ended_at, last_evaluated_at, last_evidence_sha256
           FROM compliance_outcome_intervals WHERE subject_id = $1 AND control_id = $2 ORDER BY started_at`,
        [of.subjectId, of.controlId],
      )
    ).map((row) => ({
      outcome: row.outcome,
      from: row.started_at.toISOString(),
      to: row.ended_at?.toISOString() ?? null,
      latest: `${row.last_evaluated_at.toISOString()} ${row.last_evidence_sha256}`,
    }));

  it('extends an interval while the outcome holds, and begins another when it changes', async () => {
    const p = pair();
    await fold(result(p, 'passed', 0));
    await fold(result(p, 'passed', 1));
    await fold(result(p, 'failed', 2));
    await fold(result(p, 'passed', 3));
    expect(await history(p)).toEqual([
      {
        outcome: 'passed',
        from: at(0).toISOString(),
        to: at(2).toISOString(),
        latest: `${at(1).toISOString()} sha-1`,
      },
      {
        outcome: 'failed',
        from: at(2).toISOString(),
        to: at(3).toISOString(),
        latest: `${at(2).toISOString()} sha-2`,
      },
      { outcome: 'passed', from: at(3).toISOString(), to: null, latest: `${at(3).toISOString()} sha-3` },
    ]);
  });

  it('changes nothing for a result older than the open interval (an earlier scan committing late)', async () => {
    const p = pair();
    await fold(result(p, 'failed', 5));
    await fold(result(p, 'passed', 4));
    await fold(result(p, 'failed', 3));
    expect(await history(p)).toEqual([
      { outcome: 'failed', from: at(5).toISOString(), to: null, latest: `${at(5).toISOString()} sha-5` },
    ]);
  });

  it('folds many pairs at once, each on its own', async () => {
    const [a, b, c] = [pair(), pair(), pair()];
    await fold(result(a, 'passed', 0), result(b, 'failed', 0));
    await fold(result(a, 'failed', 1), result(b, 'failed', 1), result(c, 'error', 1));
    expect((await history(a)).map((i) => [i.outcome, i.to])).toEqual([
      ['passed', at(1).toISOString()],
      ['failed', null],
    ]);
    expect((await history(b)).map((i) => [i.outcome, i.to, i.latest])).toEqual([
      ['failed', null, `${at(1).toISOString()} sha-1`],
    ]);
    expect((await history(c)).map((i) => [i.outcome, i.to])).toEqual([['error', null]]);
  });
});
