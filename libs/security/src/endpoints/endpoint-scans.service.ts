import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Injectable } from '@nestjs/common';
import { EnvironmentModel, EnvironmentsService } from '@opsplane/catalog';
import {
  Actor,
  ChangeRecorder,
  Clock,
  insertRows,
  JobQueue,
  OutboundHttp,
  Transactions,
} from '@opsplane/core';
import { FindingReports, FindingSubject, Observation } from '@opsplane/findings';
import { SecurityConfig } from '../security.config';
import { assessEndpoint, refusedEndpoint } from './endpoint-assessment';
import { EndpointScanResult } from './endpoint-scan-result';
import { EndpointScanResultEntity } from './endpoint-scan-result.entity';
import { assessHeaders } from './header-checks';
import { probeTls } from './tls-probe';

export const ENDPOINT_SCAN_JOB = 'security.endpoint_scan';
/** The source endpoint findings are reported as: its scans alone resolve them. */
export const ENDPOINT_SOURCE = 'endpoint-scan';

/**
 * Endpoint scans: each of an environment's `endpointUrls` probed (TLS versions, certificate,
 * host name) and fetched (security headers, version leaks), every request through OutboundHttp's
 * SSRF policy (a URL at the service itself, a metadata range or a private range not allowed is
 * refused, as webhooks are); the latest result per URL kept for compliance controls, and each
 * problem a finding of kind `endpoint` on the environment.
 */
@Injectable()
export class EndpointScansService {
  /** With SECURITY_ENDPOINT_SCAN_CA_FILE: the public roots and the install's own CAs. */
  private readonly ca: string[] | undefined;

  constructor(
    private readonly transactions: Transactions,
    private readonly environments: EnvironmentsService,
    private readonly outbound: OutboundHttp,
    private readonly findings: FindingReports,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
    private readonly config: SecurityConfig,
  ) {
    this.ca = config.endpointScanCaFile
      ? [...rootCertificates, readCaFile(config.endpointScanCaFile)]
      : undefined;
  }

  /** Queues a scan of one environment (on demand); answers the job's id. */
  async request(environmentIdOrSlug: string): Promise<{ jobId: string | null; environmentId: string }> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const jobId = await this.queue.enqueue(
      ENDPOINT_SCAN_JOB,
      { environmentId: environment.id },
      { singletonKey: environment.id },
    );
    return { jobId, environmentId: environment.id };
  }

  /** Queues a scan of every environment with endpoint URLs (the schedule). */
  async requestAll(): Promise<number> {
    const rows = await this.transactions
      .manager()
      .query<{ id: string }[]>(
        `SELECT id FROM environments WHERE archived_at IS NULL AND cardinality(endpoint_urls) > 0 ORDER BY id`,
      );
    await this.queue.enqueueMany(
      ENDPOINT_SCAN_JOB,
      rows.map((row) => ({ payload: { environmentId: row.id }, singletonKey: row.id })),
    );
    return rows.length;
  }

  /** The latest results of the environment's current URLs (a URL removed from it no longer counts). */
  async latest(environment: Pick<EnvironmentModel, 'id' | 'endpointUrls'>): Promise<EndpointScanResult[]> {
    if (environment.endpointUrls.length === 0) return [];
    const rows = await this.transactions
      .manager()
      .getRepository(EndpointScanResultEntity)
      .createQueryBuilder('scan')
      .where('scan.environmentId = :id AND scan.url IN (:...urls)', {
        id: environment.id,
        urls: environment.endpointUrls,
      })
      .getMany();
    return environment.endpointUrls.flatMap((url) => rows.find((row) => row.url === url)?.result ?? []);
  }

  /** Scans every URL of one environment, records the results and reports the findings. */
  async scanEnvironment(
    actor: Actor,
    environmentId: string,
    signal?: AbortSignal,
  ): Promise<Record<string, number>> {
    const environment = await this.environments.get(environmentId);
    const results = await this.scanUrls(environment.endpointUrls, signal);
    const subject: FindingSubject = { type: 'environment', id: environment.id };
    const observations: Observation[] = results.flatMap((result) =>
      result.problems.map((problem) => ({
        subject,
        dedupKey: `${result.url}|${problem.key}`,
        title: `${problem.title}: ${result.url}`.slice(0, 500),
        description: problem.detail,
        severity: problem.severity,
        evidence: {
          url: result.url,
          problem,
          scannedAt: result.scannedAt,
          tls: result.tls,
          status: result.status,
        },
      })),
    );
    return this.transactions.run(async (manager) => {
      await manager.query('DELETE FROM endpoint_scan_results WHERE environment_id = $1', [environment.id]);
      await insertRows(
        manager,
        EndpointScanResultEntity,
        results.map((result) => ({
          environmentId: environment.id,
          url: result.url,
          scannedAt: new Date(result.scannedAt),
          reachable: result.reachable,
          result,
        })),
      );
      const outcome = await this.findings.report(manager, actor, {
        source: ENDPOINT_SOURCE,
        kind: 'endpoint',
        subjects: [subject],
        observations,
      });
      const counts = {
        urls: results.length,
        unreachable: results.filter((result) => !result.reachable).length,
        problems: observations.length,
        ...outcome.counts,
      };
      await this.changes.record(manager, actor, {
        action: 'security.scan.completed',
        targetType: 'environment',
        targetId: environment.id,
        after: { kind: 'endpoint', ...counts },
      });
      return counts;
    });
  }

  /**
   * Scans URLs of different hosts at once (up to SECURITY_ENDPOINT_SCAN_CONCURRENCY), and those of
   * one host one after another, so no host gets more than one URL's probes at a time.
   */
  private async scanUrls(urls: string[], signal?: AbortSignal): Promise<EndpointScanResult[]> {
    const byHost = new Map<string, string[]>();
    for (const url of urls) {
      const host = hostOf(url);
      byHost.set(host, [...(byHost.get(host) ?? []), url]);
    }
    const results = new Map<string, EndpointScanResult>();
    const hosts = [...byHost.values()];
    // Every handshake of every host being probed listens for the job's abort: many at once is no leak.
    if (signal) setMaxListeners(8 * this.config.endpointScanConcurrency + 10, signal);
    const worker = async () => {
      for (let next = hosts.shift(); next; next = hosts.shift())
        for (const url of next) {
          signal?.throwIfAborted();
          results.set(url, await this.scanUrl(url, signal));
        }
    };
    await Promise.all(Array.from({ length: this.config.endpointScanConcurrency }, worker));
    return urls.map((url) => results.get(url)!);
  }

  private async scanUrl(url: string, signal?: AbortSignal): Promise<EndpointScanResult> {
    const scannedAt = this.clock.now();
    const timeoutMs = this.config.endpointScanTimeoutMs;
    const unreachable = (kind: string, message: string, refused: boolean): EndpointScanResult => ({
      url,
      scannedAt: scannedAt.toISOString(),
      reachable: false,
      failure: { kind, message },
      tls: null,
      headers: null,
      status: null,
      headerChecks: [],
      problems: refused
        ? [refusedEndpoint(message)]
        : assessEndpoint({ reachable: false, failure: 'network', message, untestable: [] }, null),
    });
    const target = await this.outbound.checkedTarget(url);
    if (!target.ok)
      return unreachable(target.failure, target.message, target.failure === 'refused_by_policy');
    const https = target.url.protocol === 'https:';
    const probe = https ? await probeTls(target, { timeoutMs, now: scannedAt, signal, ca: this.ca }) : null;
    if (probe && !probe.reachable)
      return {
        ...unreachable(probe.failure, probe.message, false),
        problems: assessEndpoint(probe, null, this.thresholds()),
      };
    const response = await this.outbound.request(url, {
      timeoutMs,
      maxResponseBytes: 0,
      // The certificate is judged above; the headers are read whatever it is worth.
      tls: { ca: this.ca, acceptInvalidCertificates: true },
    });
    if (!response.ok && !probe) return unreachable(response.failure, response.message, false);
    const headers = response.ok ? flatHeaders(response.headers) : null;
    const headerChecks = headers ? assessHeaders(headers) : [];
    return {
      url,
      scannedAt: scannedAt.toISOString(),
      reachable: true,
      failure: response.ok ? null : { kind: response.failure, message: response.message },
      tls: probe && {
        protocols: probe.protocols,
        untestable: probe.untestable,
        certificate: probe.certificate,
      },
      headers,
      status: response.ok ? response.status : null,
      headerChecks,
      problems: assessEndpoint(probe, headers ? headerChecks : null, this.thresholds()),
    };
  }

  private thresholds() {
    return {
      expiryWarnDays: this.config.certificateExpiryWarnDays,
      expiryFailDays: this.config.certificateExpiryFailDays,
    };
  }
}

/** Read once at start: a file that cannot be read stops the start, naming the variable. */
function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`SECURITY_ENDPOINT_SCAN_CA_FILE (${path}) cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Node's headers as one string each (repeated ones joined as HTTP joins them). */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
