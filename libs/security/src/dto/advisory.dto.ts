import { Args, Model, PageArgs, PageOf, Prop } from '@opsplane/core';
import { FINDING_SEVERITIES, FindingSeverity } from '@opsplane/findings';

@Model('AdvisoryPackage', 'A package an advisory names, as OSV names it.')
export class AdvisoryPackageModel {
  @Prop.string({ maxLength: 100_000, description: 'OSV ecosystem, e.g. `npm`, `PyPI`, `Maven`, `Go`.' })
  ecosystem: string;

  @Prop.string({
    maxLength: 100_000,
    description: 'As OSV names it in that ecosystem (`@scope/name`, `group:artifact`, …).',
  })
  name: string;
}

@Model('Advisory', 'An OSV record in the advisory database, as last imported.')
export class AdvisoryModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ maxLength: 100_000, description: 'The OSV id, e.g. `GHSA-c2qf-rxjj-qqgw`.' })
  osvId: string;

  @Prop.string({
    maxLength: 100_000,
    isArray: true,
    description: 'Other ids of the same vulnerability (CVE, GHSA, …).',
  })
  aliases: string[];

  @Prop.string({ maxLength: 100_000, nullable: true })
  summary: string | null;

  @Prop.enum(FINDING_SEVERITIES, 'FindingSeverity', {
    description: 'From its CVSS vector (v4 over v3), else the database’s own rating, else medium.',
  })
  severity: FindingSeverity;

  @Prop.date({ description: 'The record’s `modified`: an import replaces it only with a newer one.' })
  modified: Date;

  @Prop.date({ nullable: true })
  published: Date | null;

  @Prop.nested(() => AdvisoryPackageModel, { isArray: true })
  packages: AdvisoryPackageModel[];

  @Prop.date()
  importedAt: Date;
}

@Model('AdvisoryDetail', 'An advisory with its OSV record, as imported.')
export class AdvisoryDetailModel extends AdvisoryModel {
  @Prop.json({ description: 'The OSV record (https://ossf.github.io/osv-schema/).' })
  record: Record<string, unknown>;
}

export const AdvisoryPage = PageOf(AdvisoryModel, 'AdvisoryPage');

@Args()
export class ListAdvisoriesArgs extends PageArgs {
  @Prop.string({ optional: true, maxLength: 100, description: 'Only records naming this OSV ecosystem.' })
  ecosystem?: string;

  @Prop.string({
    optional: true,
    maxLength: 300,
    description: 'Only records naming this package (with `ecosystem`, in it).',
  })
  package?: string;

  @Prop.string({ optional: true, maxLength: 200, description: 'Only the record with this id or alias.' })
  id?: string;
}

@Model('AdvisoryRejection', 'A record the import skipped, and why.')
export class AdvisoryRejectionModel {
  @Prop.int({
    min: 0,
    description: 'Its position in the import (0 for a single record; the entry’s, for a zip).',
  })
  index: number;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: 'Its file in the zip; null for a JSON import.',
  })
  entry: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true, description: 'Its `id`, when it has a string one.' })
  osvId: string | null;

  @Prop.string({
    maxLength: 100_000,
    description: 'The first failing rule of the OSV schema: a JSON pointer and what fails.',
  })
  reason: string;
}

@Model('AdvisoryImport', 'What an import did, record by record counted.')
export class AdvisoryImportModel {
  @Prop.int({ min: 0 })
  received: number;

  @Prop.int({ min: 0, description: 'New to the database.' })
  added: number;

  @Prop.int({ min: 0, description: 'Replaced by a newer `modified`.' })
  updated: number;

  @Prop.int({ min: 0, description: 'Already there with this `modified` or a newer one.' })
  unchanged: number;

  @Prop.int({ min: 0, description: 'Withdrawn records: removed from the database (OSV: ignore them).' })
  withdrawn: number;

  @Prop.nested(() => AdvisoryRejectionModel, {
    isArray: true,
    description:
      'Records that fail the OSV schema (or zip entries that are not JSON), skipped; the rest are imported. The ' +
      'first 1,000; `rejectedCount` counts them all.',
  })
  rejected: AdvisoryRejectionModel[];

  @Prop.int({ min: 0 })
  rejectedCount: number;
}

@Model('AdvisorySource', 'A URL the advisory database is synced from, and what its last sync saw.')
export class AdvisorySourceModel {
  @Prop.string({ maxLength: 100_000 })
  url: string;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: '`imported`, `not_modified` (HTTP 304) or `failed`; null before the first sync.',
  })
  lastStatus: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true, description: 'Why the last sync failed.' })
  lastError: string | null;

  @Prop.date({ nullable: true, description: 'The last sync attempt.' })
  checkedAt: Date | null;

  @Prop.date({ nullable: true, description: 'The last sync that imported a changed document.' })
  syncedAt: Date | null;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: 'The ETag the next sync sends in If-None-Match.',
  })
  etag: string | null;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: 'The Last-Modified the next sync sends in If-Modified-Since.',
  })
  lastModified: string | null;

  @Prop.nested(() => AdvisoryImportModel, { nullable: true, description: 'What the last import of it did.' })
  lastImport: AdvisoryImportModel | null;
}

@Model('AdvisorySourceList', 'The configured sources (SECURITY_ADVISORY_SYNC_URLS), in order.')
export class AdvisorySourceList {
  @Prop.nested(() => AdvisorySourceModel, { isArray: true })
  items: AdvisorySourceModel[];
}
