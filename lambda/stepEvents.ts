/**
 * The events the state machine passes between its steps (infra/constructs/RunStateMachine.ts),
 * checked on arrival: a malformed one is a ConfigError naming the field, so a hand-started
 * execution with a wrong input fails at once and says why.
 *
 * execution input      { now?, period?, backfill?, report? }       (schedules, `fleetledger invoke`)
 * open   -> Map        { run, clusters | items, request }
 * Map item             { run, cluster }                             -> ClusterStepResult
 * finish               { run, results } | { run, resultWriter }     -> FinishedSnapshotRun
 * report               { run?, now?, period, backfill }                 -> ReportRunSummary
 * deliver              { period }                                   -> SentReportEmail
 */

import { DateTime } from 'luxon';
import type { ClusterStepOutcome } from '../src/collect/snapshotSteps.js';
import { ConfigError } from '../src/core/errors.js';

/** The opened run as every later step gets it. */
export interface RunReference {
  readonly opening: string;
  readonly runAt: string;
  /**
   * The wall-clock time the run was opened: a step's collection time is runAt plus the time since,
   * as in a one-process run (`--now` plus elapsed), so a re-run at a past `now` stays in its window.
   */
  readonly startedAt: string;
}

/** Where a Distributed Map's ResultWriter put its manifest (its ResultWriterDetails). */
export interface ResultWriterDetails {
  readonly Bucket: string;
  readonly Key: string;
}

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

function text(event: unknown, path: string): string {
  let value: unknown = event;
  for (const part of path.split('.')) value = record(value)?.[part];
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(`event.${path}: expected a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}

export function runOf(event: unknown): RunReference {
  const run = {
    opening: text(event, 'run.opening'),
    runAt: text(event, 'run.runAt'),
    startedAt: text(event, 'run.startedAt'),
  };
  for (const field of ['runAt', 'startedAt'] as const) {
    if (Number.isNaN(Date.parse(run[field]))) {
      throw new ConfigError(`event.run.${field}: expected an ISO 8601 date-time, got "${run[field]}"`);
    }
  }
  return run;
}

/**
 * A step's clock within the run: runAt plus the wall-clock time since the run was opened (what
 * `--now` plus elapsed is in a one-process run).
 */
export function runClock(run: RunReference): () => DateTime<true> {
  const runAt = DateTime.fromISO(run.runAt, { zone: 'utc' }) as DateTime<true>;
  return () => runAt.plus({ milliseconds: Math.max(0, Date.now() - Date.parse(run.startedAt)) });
}

/** The run the event names, when it names one (the report step of a scheduled run). */
export function optionalRunOf(event: unknown): RunReference | null {
  return record(event)?.['run'] === undefined ? null : runOf(event);
}

export function clusterOf(event: unknown): string {
  return text(event, 'cluster');
}

/** The Map's results inline, or where the Distributed Map wrote them. */
export function resultsOf(
  event: unknown,
): { readonly results: readonly ClusterStepOutcome[] } | { readonly resultWriter: ResultWriterDetails } {
  const fields = record(event) ?? {};
  if (Array.isArray(fields['results'])) {
    return {
      results: fields['results'].map((result, i) => {
        const item = record(result);
        if (!item || typeof item['cluster'] !== 'string' || !('status' in item || 'error' in item)) {
          throw new ConfigError(
            `event.results[${i}]: expected a cluster step's result or failure, got ${JSON.stringify(result)}`,
          );
        }
        return item as unknown as ClusterStepOutcome;
      }),
    };
  }
  if (record(fields['resultWriter'])) {
    return { resultWriter: { Bucket: text(event, 'resultWriter.Bucket'), Key: text(event, 'resultWriter.Key') } };
  }
  throw new ConfigError(
    "event: expected results (the Map's outputs) or resultWriter (a Distributed Map's ResultWriterDetails)",
  );
}

/** Whether the execution also reports and delivers (the weekly run), from its input. */
export function wantsReport(event: unknown): boolean {
  const report = record(event)?.['report'];
  if (report !== undefined && typeof report !== 'boolean') {
    throw new ConfigError(`event.report: expected true or false, got ${JSON.stringify(report)}`);
  }
  return report === true;
}
