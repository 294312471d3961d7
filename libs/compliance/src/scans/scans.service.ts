import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EnvironmentModel, EnvironmentsService, ServiceModel, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  assertObserved,
  assertValid,
  canonicalJson,
  ChangeRecorder,
  Clock,
  FieldError,
  insertRows,
  isUuid,
  JobQueue,
  KeysetOrder,
  newId,
  Page,
  paginate,
  systemActor,
  toPage,
  Transactions,
} from '@opsplane/core';
import { FindingReports, Observation } from '@opsplane/findings';
import { EntityManager, IsNull, MoreThan } from 'typeorm';
import { ComplianceErrors } from '../compliance.errors';
import { ControlEntity } from '../controls/control.entity';
import {
  CompiledCheck,
  compileCheck,
  ControlSubjectType,
  runCheck,
  toCelValues,
} from '../controls/control-language';
import { inScope } from '../controls/control-rules';
import { ControlsService } from '../controls/controls.service';
import {
  EvidenceModel,
  ListResultsArgs,
  ListScansArgs,
  ResultModel,
  ScanCountsModel,
  ScanModel,
  StartScanInput,
} from '../dto/scan.dto';
import { recordOutcomes } from '../posture/outcome-intervals';
import { WaiverEntity } from '../waivers/waiver.entity';
import { isWaiverActive } from '../waivers/waivers.service';
import { EvidenceEntity, OutcomeCounts, ResultEntity, ResultOutcome, ScanEntity } from './scan.entity';
import { SubjectInputs } from './subject-inputs';

export const SCAN_SUBJECT_JOB = 'compliance.scan_subject';
/** Findings of compliance controls are reported under this source, one per control (its slug). */
export const COMPLIANCE_SOURCE = 'compliance';

const NO_COUNTS: OutcomeCounts = { passed: 0, failed: 0, waived: 0, error: 0, not_applicable: 0 };

/** One subject evaluated, not yet stored. */
interface Evaluated {
  subjectType: ControlSubjectType;
  subjectId: string;
  counts: OutcomeCounts;
  results: ResultEntity[];
  /** Evidence content by its hash. */
  evidence: Map<string, Record<string, unknown>>;
  observations: Observation[];
  checkedKeys: string[];
  /** Index of a failed result → index of its observation, to link the finding it opens. */
  failedIndex: Map<number, number>;
}

/**
 * Scans: a scan fixes what it covers and the install-wide inputs, then fans out one job per
 * subject over the queue (every worker takes part; a killed worker's subject is retried by
 * another). A subject's job evaluates every enabled control of its type on it in one
 * transaction: results with their evidence, the findings they open, refresh or resolve, and the
 * scan's progress commit together, and a job run twice finds its subject done.
 */
@Injectable()
export class ScansService {
  /** Compiled checks by control id and version (a version never changes). */
  private readonly compiled = new Map<string, CompiledCheck>();
  /**
   * The scans this process is working on, each with the controls it covers by subject type and the
   * waivers in force by subject, read at its first subject here: a scan's row and its set of
   * controls are fixed for it, and a scan applies the waivers of when it runs (a waiver granted or
   * revoked since applies from the next scan, as expiry does); reading them again for each of
   * 1,000 subjects was three statements in every job. The last few only.
   */
  private readonly scansAtWork = new Map<
    string,
    {
      scan: ScanEntity;
      controls: Map<string, ControlEntity[]>;
      waivers?: Promise<Map<string, WaiverEntity[]>>;
    }
  >();

  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly queue: JobQueue,
    private readonly controls: ControlsService,
    private readonly environments: EnvironmentsService,
    private readonly services: ServicesService,
    private readonly inputs: SubjectInputs,
    private readonly findings: FindingReports,
    private readonly clock: Clock,
  ) {}

  async start(actor: Actor, input: StartScanInput, trigger: 'schedule' | 'manual'): Promise<ScanModel> {
    const problems: FieldError[] = [];
    const control = input.control ? await this.controls.lookUp(input.control) : null;
    if (input.control && !control)
      problems.push({ path: 'control', message: `no control has id or slug "${input.control}"` });
    let subjects: { type: ControlSubjectType; id: string }[] = [];
    const types: ControlSubjectType[] = control ? [control.subjectType] : ['environment', 'service'];
    if (input.subject) {
      const found = await this.findSubject(input.subject, types);
      if (!found)
        problems.push({
          path: 'subject',
          message: `no ${types.join(' or ')} has id or slug "${input.subject}"`,
        });
      else subjects = [found];
    } else if (problems.length === 0) subjects = await this.allSubjects(types);
    assertValid(problems, 'scan');
    const platform = await this.inputs.platform();
    const now = this.clock.now();
    const scan: ScanEntity = {
      id: newId(),
      status: subjects.length === 0 ? 'completed' : 'running',
      trigger,
      requestedBy: actor.id,
      filter: {
        controlId: control?.id ?? null,
        framework: input.framework ?? null,
        subjectId: subjects.length === 1 && input.subject ? subjects[0].id : null,
      },
      platform: platform as unknown as Record<string, unknown>,
      subjectsTotal: subjects.length,
      subjectsDone: 0,
      counts: { ...NO_COUNTS },
      startedAt: now,
      finishedAt: subjects.length === 0 ? now : null,
    };
    return this.transactions.run(async (manager) => {
      await insertRows(manager, ScanEntity, [scan]);
      await this.queue.enqueueMany(
        SCAN_SUBJECT_JOB,
        subjects.map((subject) => ({
          payload: { scanId: scan.id, subjectType: subject.type, subjectId: subject.id },
        })),
        { manager },
      );
      const model = toScanModel(scan);
      await this.changes.record(manager, actor, {
        action: 'compliance.scan.started',
        targetType: 'compliance_scan',
        targetId: scan.id,
        after: model,
      });
      if (scan.status === 'completed') await this.recordCompleted(manager, scan);
      return model;
    });
  }

  /**
   * One subject of one scan (the job's work). Answers the counts of its results, or
   * `{ skipped: 1 }` when an earlier attempt committed it. Reads and evaluates before its
   * transaction opens: the inputs come from the other libs' services, in parallel on pooled
   * connections (one transaction's connection runs one query at a time), and the transaction then
   * holds its connection and locks only for the writes.
   */
  async scanSubject(
    scanId: string,
    subjectType: ControlSubjectType,
    subjectId: string,
  ): Promise<Record<string, number>> {
    const pool = this.transactions.manager();
    const atWork = await this.scanAtWork(pool, scanId);
    if (!atWork) return { skipped: 1 };
    const { scan } = atWork;
    // A retried job of a committed subject evaluates again and finds it claimed below: rare, and
    // cheaper than a look-up before every job.
    const evaluated = await this.evaluate(pool, scan, subjectType, subjectId);
    return this.transactions.run(async (manager) => {
      const claimed = await manager.query<unknown[]>(
        `INSERT INTO compliance_scan_subjects (scan_id, subject_id, done_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [scanId, subjectId, this.clock.now()],
      );
      if (claimed.length === 0) return { skipped: 1 };
      if (evaluated) await this.store(manager, scan, evaluated);
      const counts = evaluated?.counts ?? { ...NO_COUNTS };
      await this.advance(manager, scan.id, counts);
      return counts;
    });
  }

  /** Every enabled control of the subject's type on it, in memory; null when the subject is gone. */
  private async evaluate(
    manager: EntityManager,
    scan: ScanEntity,
    subjectType: ControlSubjectType,
    subjectId: string,
  ): Promise<Evaluated | null> {
    const counts = { ...NO_COUNTS };
    const subject =
      subjectType === 'environment'
        ? (await this.environments.findMany([subjectId]))[0]
        : (await this.services.findMany([subjectId]))[0];
    // Archived (or gone) since the scan began: nothing to evaluate.
    if (!subject || subject.archivedAt) return null;
    const now = this.clock.now();
    const platform = scan.platform as never;
    const inputs =
      subjectType === 'environment'
        ? await this.inputs.environment(subject as EnvironmentModel, platform, now)
        : await this.inputs.service(subject as ServiceModel, platform, now);
    const atWork = this.scansAtWork.get(scan.id);
    let controls = atWork?.controls.get(subjectType);
    if (!controls) {
      controls = await this.controlsFor(manager, scan, subjectType);
      atWork?.controls.set(subjectType, controls);
    }
    const waivers = (await this.waiversInForce(manager, scan.id, now)).get(subjectId) ?? [];
    const evidence = new Map<string, Record<string, unknown>>();
    const inputsHash = hashOf(inputs as unknown as Record<string, unknown>);
    // Converted once, for the checks in scope (none: never).
    let celValues: Record<string, unknown> | undefined;
    const results: ResultEntity[] = [];
    const observations: Observation[] = [];
    const checkedKeys: string[] = [];
    const failedIndex = new Map<number, number>();
    for (const control of controls) {
      let outcome: ResultOutcome;
      let message: string | null = null;
      let evidenceHash = inputsHash;
      let waiverId: string | null = null;
      if (!inScope(control, subject)) {
        outcome = 'not_applicable';
        const scopeEvidence = {
          subject: { type: subjectType, id: subject.id, slug: subject.slug },
          scope: control.scope,
        };
        evidenceHash = hashOf(scopeEvidence);
        evidence.set(evidenceHash, scopeEvidence);
      } else {
        evidence.set(inputsHash, inputs as unknown as Record<string, unknown>);
        celValues ??= toCelValues(inputs as unknown as Record<string, unknown>);
        const ran = runCheck(this.checkOf(control), celValues);
        outcome = ran.outcome;
        if (ran.outcome === 'error') message = ran.message;
        if (outcome === 'failed') {
          const waiver = waivers.find((w) => w.controlId === control.id && isWaiverActive(w, now));
          if (waiver) {
            outcome = 'waived';
            waiverId = waiver.id;
          }
        }
        // A waived or erroring control says nothing new about its finding: it is left as it is.
        if (outcome === 'passed' || outcome === 'failed') checkedKeys.push(control.slug);
        if (outcome === 'failed') {
          failedIndex.set(results.length, observations.length);
          observations.push({
            subject: {
              type: subjectType,
              id: subject.id,
              serviceId: subjectType === 'service' ? subject.id : null,
            },
            dedupKey: control.slug,
            title: control.title,
            description: control.remediation ?? control.description,
            severity: control.severity,
            evidence: {
              controlId: control.id,
              controlVersion: control.version,
              expression: control.expression,
              evidenceSha256: inputsHash,
              scanId: scan.id,
            },
          });
        }
      }
      counts[outcome]++;
      results.push({
        id: newId(),
        scanId: scan.id,
        controlId: control.id,
        controlVersion: control.version,
        subjectType,
        subjectId: subject.id,
        outcome,
        message,
        evidenceSha256: evidenceHash,
        waiverId,
        findingId: null,
        evaluatedAt: now,
      });
    }
    return {
      subjectType,
      subjectId: subject.id,
      counts,
      results,
      evidence,
      observations,
      checkedKeys,
      failedIndex,
    };
  }

  /** The results and their evidence, the findings they open, refresh or resolve, the outcome history. */
  private async store(manager: EntityManager, scan: ScanEntity, evaluated: Evaluated): Promise<void> {
    const { subjectType, subjectId, results, evidence, observations, checkedKeys, failedIndex } = evaluated;
    if (checkedKeys.length > 0 || observations.length > 0) {
      const reported = await this.findings.report(manager, systemActor(COMPLIANCE_SOURCE, scan.id), {
        source: COMPLIANCE_SOURCE,
        kind: 'compliance',
        subjects: [
          { type: subjectType, id: subjectId, serviceId: subjectType === 'service' ? subjectId : null },
        ],
        observations,
        checkedKeys,
      });
      for (const [resultIndex, observationIndex] of failedIndex)
        results[resultIndex].findingId = reported.findingIds[observationIndex];
    }
    if (evidence.size > 0)
      await manager.query(
        `INSERT INTO compliance_evidence (sha256, inputs)
         SELECT e.sha256, e.inputs FROM jsonb_to_recordset($1::jsonb) AS e(sha256 text, inputs jsonb)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify([...evidence].map(([sha256, content]) => ({ sha256, inputs: content })))],
      );
    await insertRows(manager, ResultEntity, results);
    await recordOutcomes(manager, results);
  }

  /** Unrevoked, unexpired waivers by subject, once per scan at work (see scansAtWork). */
  private waiversInForce(
    manager: EntityManager,
    scanId: string,
    now: Date,
  ): Promise<Map<string, WaiverEntity[]>> {
    const load = async () => {
      const rows = await manager.find(WaiverEntity, {
        where: { revokedAt: IsNull(), expiresAt: MoreThan(now) },
      });
      const bySubject = new Map<string, WaiverEntity[]>();
      for (const row of rows) bySubject.set(row.subjectId, [...(bySubject.get(row.subjectId) ?? []), row]);
      return bySubject;
    };
    const atWork = this.scansAtWork.get(scanId);
    if (!atWork) return load();
    if (!atWork.waivers) {
      const loading = load();
      atWork.waivers = loading;
      // A failed read is not kept: the next subject reads again.
      loading.catch(() => {
        if (atWork.waivers === loading) atWork.waivers = undefined;
      });
    }
    return atWork.waivers;
  }

  private async scanAtWork(manager: EntityManager, scanId: string) {
    let atWork = this.scansAtWork.get(scanId);
    if (!atWork) {
      const scan = await manager.findOneBy(ScanEntity, { id: scanId });
      if (!scan) return null;
      atWork = { scan, controls: new Map() };
      this.scansAtWork.set(scanId, atWork);
      // Oldest first in a Map: keep the last four.
      for (const id of [...this.scansAtWork.keys()].slice(0, -4)) this.scansAtWork.delete(id);
    }
    return atWork;
  }

  /** Enabled controls of the type, as the scan's filter narrows them. */
  private async controlsFor(manager: EntityManager, scan: ScanEntity, subjectType: ControlSubjectType) {
    const query = manager
      .getRepository(ControlEntity)
      .createQueryBuilder('control')
      .where(`control.mode <> 'disabled'`)
      .andWhere('control.subjectType = :subjectType', { subjectType })
      .orderBy('control.slug');
    if (scan.filter.controlId) query.andWhere('control.id = :id', { id: scan.filter.controlId });
    if (scan.filter.framework)
      query.andWhere('control.frameworks @> :mapping::jsonb', {
        mapping: JSON.stringify([{ framework: scan.filter.framework }]),
      });
    return query.getMany();
  }

  private checkOf(control: ControlEntity): CompiledCheck {
    const key = `${control.id}:${control.version}`;
    let check = this.compiled.get(key);
    if (!check) {
      const compiled = compileCheck(control.subjectType, control.expression);
      // Saved controls compiled when saved; one that no longer does (a language change) errs per result.
      check =
        'check' in compiled
          ? compiled.check
          : () => {
              throw new Error(`the check no longer compiles: ${compiled.problem.message}`);
            };
      this.compiled.set(key, check);
    }
    return check;
  }

  /** Adds a subject's counts to its scan; the last one completes it (`compliance.scan.completed`). */
  private async advance(manager: EntityManager, scanId: string, counts: OutcomeCounts): Promise<void> {
    // TypeORM answers an UPDATE with [rows, count].
    const [[row]] = await manager.query<[{ subjects_done: number; subjects_total: number }[], number]>(
      `UPDATE compliance_scans SET subjects_done = subjects_done + 1,
         counts = (SELECT jsonb_object_agg(key, (counts ->> key)::int + (($2::jsonb) ->> key)::int)
                     FROM jsonb_object_keys(counts) AS key)
       WHERE id = $1 RETURNING subjects_done, subjects_total`,
      [scanId, JSON.stringify(counts)],
    );
    if (row && row.subjects_done === row.subjects_total) {
      const now = this.clock.now();
      await manager.update(ScanEntity, { id: scanId }, { status: 'completed', finishedAt: now });
      const scan = await manager.findOneByOrFail(ScanEntity, { id: scanId });
      await this.recordCompleted(manager, scan);
    }
  }

  private async recordCompleted(manager: EntityManager, scan: ScanEntity): Promise<void> {
    await this.changes.record(manager, systemActor(COMPLIANCE_SOURCE, scan.id), {
      action: 'compliance.scan.completed',
      targetType: 'compliance_scan',
      targetId: scan.id,
      after: toScanModel(scan),
    });
  }

  /** A scan; outside the reader's observation window, refused. */
  async get(reader: Actor, id: string): Promise<ScanModel> {
    const found = isUuid(id) ? await this.transactions.manager().findOneBy(ScanEntity, { id }) : null;
    if (!found) throw new AppError(ComplianceErrors.scanNotFound, `No compliance scan with id "${id}".`);
    assertObserved(reader, found.startedAt, 'id');
    return toScanModel(found);
  }

  /** Newest first; only the scans that started in the reader's observation window. */
  async list(reader: Actor, args: ListScansArgs): Promise<Page<ScanModel>> {
    const query = this.transactions.manager().getRepository(ScanEntity).createQueryBuilder('scan');
    if (args.status) query.andWhere('scan.status = :status', { status: args.status });
    if (reader.observationWindow)
      query.andWhere('scan.startedAt >= :from AND scan.startedAt < :to', reader.observationWindow);
    const order: KeysetOrder = { idColumn: 'scan.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toScanModel);
  }

  /** A scan's results, in evaluation order. */
  async results(reader: Actor, scanId: string, args: ListResultsArgs): Promise<Page<ResultModel>> {
    await this.get(reader, scanId);
    const query = this.transactions
      .manager()
      .getRepository(ResultEntity)
      .createQueryBuilder('result')
      .where('result.scanId = :scanId', { scanId });
    if (args.outcome) query.andWhere('result.outcome = :outcome', { outcome: args.outcome });
    if (args.controlId) query.andWhere('result.controlId = :controlId', { controlId: args.controlId });
    if (args.subjectId) query.andWhere('result.subjectId = :subjectId', { subjectId: args.subjectId });
    const order: KeysetOrder = { idColumn: 'result.id', scope: { scanId } };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toResultModel);
  }

  /** A result with its evidence: the inputs as evaluated, their hash, the control version's expression. */
  async evidence(reader: Actor, resultId: string): Promise<EvidenceModel> {
    const manager = this.transactions.manager();
    const result = isUuid(resultId) ? await manager.findOneBy(ResultEntity, { id: resultId }) : null;
    if (!result)
      throw new AppError(ComplianceErrors.resultNotFound, `No compliance result with id "${resultId}".`);
    assertObserved(reader, result.evaluatedAt, 'id');
    const [evidence, version] = await Promise.all([
      manager.findOneByOrFail(EvidenceEntity, { sha256: result.evidenceSha256 }),
      this.controls.version(result.controlId, result.controlVersion),
    ]);
    return {
      result: toResultModel(result),
      expression: version.expression,
      controlVersion: version.version,
      sha256: evidence.sha256,
      canonicalInputs: canonicalJson(evidence.inputs),
      inputs: evidence.inputs,
    };
  }

  private async findSubject(idOrSlug: string, types: ControlSubjectType[]) {
    for (const type of types) {
      const found =
        type === 'environment'
          ? (await this.environments.findMany([idOrSlug]))[0]
          : (await this.services.findMany([idOrSlug]))[0];
      if (found && !found.archivedAt) return { type, id: found.id };
    }
    return null;
  }

  private async allSubjects(types: ControlSubjectType[]) {
    const subjects: { type: ControlSubjectType; id: string }[] = [];
    for (const type of types) {
      let cursor: string | undefined;
      do {
        const page =
          type === 'environment'
            ? await this.environments.list({ limit: 200, cursor })
            : await this.services.list({ limit: 200, cursor });
        for (const item of page.items) subjects.push({ type, id: item.id });
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return subjects;
  }
}

/** SHA-256 (hex) of the canonical JSON: what an auditor recomputes. */
export function hashOf(inputs: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}

export function toCountsModel(counts: OutcomeCounts): ScanCountsModel {
  const { not_applicable: notApplicable, ...rest } = counts;
  return { ...rest, notApplicable };
}

export function toScanModel(row: ScanEntity): ScanModel {
  return {
    id: row.id,
    status: row.status,
    trigger: row.trigger,
    requestedBy: row.requestedBy,
    controlId: row.filter.controlId,
    framework: row.filter.framework,
    subjectId: row.filter.subjectId,
    subjectsTotal: row.subjectsTotal,
    subjectsDone: row.subjectsDone,
    counts: toCountsModel(row.counts),
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
  };
}

export function toResultModel(row: ResultEntity): ResultModel {
  return {
    id: row.id,
    scanId: row.scanId,
    controlId: row.controlId,
    controlVersion: row.controlVersion,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    outcome: row.outcome,
    message: row.message,
    evidenceSha256: row.evidenceSha256,
    waiverId: row.waiverId,
    findingId: row.findingId,
    evaluatedAt: row.evaluatedAt,
  };
}
