/**
 * A snapshot run over a fleet: clusters collected concurrently (bounded by
 * defaults.concurrency), each snapshot written to the ledger as soon as it is complete, then one
 * manifest for the run. A cluster that fails is data (an `unreachable` or `partial` snapshot,
 * still stored); it never fails the run or the other clusters.
 */
import type { DateTime } from 'luxon';
import { mapBounded } from '../core/concurrency.js';
import { OperationalError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Fleet } from '../fleet/fleetFile.js';
import { recordRun } from '../ledger/manifest.js';
import type { WrittenObject } from '../ledger/objects.js';
import { writeSnapshot } from '../ledger/snapshots.js';
import { ObjectExistsError, type LedgerStore } from '../ledger/store.js';
import type { ClusterStatus, Snapshot } from '../snapshot/schema.js';
import type { ClusterAccess } from './access/clusterAccess.js';
import { type CollectOptions, collectClusterSnapshot } from './collectClusterSnapshot.js';
import type { RetryPolicy } from './retryPolicy.js';

export interface ClusterRunResult {
  readonly cluster: string;
  readonly status: ClusterStatus;
  readonly objectsRead: number;
  readonly elapsedMs: number;
  /** Sections that were not collected, e.g. `tlsSecrets: forbidden`. */
  readonly problems: readonly string[];
  readonly unreachableReason?: string;
  readonly written: WrittenObject;
}

export interface FleetRunResult {
  readonly clusters: readonly ClusterRunResult[];
  readonly manifest: WrittenObject;
  readonly counts: Readonly<Record<ClusterStatus, number>>;
  readonly objectsRead: number;
  readonly elapsedMs: number;
}

export type FleetProgressEvent =
  | { readonly kind: 'started'; readonly cluster: string }
  | { readonly kind: 'finished'; readonly result: ClusterRunResult };

export interface SnapshotFleetOptions {
  readonly store: LedgerStore;
  /** The run's "now" (`--now` or the current time): collection times are now + elapsed. */
  readonly now: DateTime;
  readonly logger: Logger;
  readonly onProgress?: (event: FleetProgressEvent) => void;
  /** Overrides defaults.concurrency (`--concurrency`). */
  readonly concurrency?: number;
  readonly sectionConcurrency?: number;
  readonly pageSize?: number;
  readonly retryPolicy?: RetryPolicy;
  /** Access per cluster name, overriding the fleet file (tests, Lambda). */
  readonly accessFor?: (cluster: string) => ClusterAccess | undefined;
}

/**
 * @example
 * const fleet = loadFleetFile('fleet.yaml');
 * const result = await snapshotFleet(fleet, { store: openStore('./ledger'), now: resolveNow(), logger });
 */
export async function snapshotFleet(fleet: Fleet, options: SnapshotFleetOptions): Promise<FleetRunResult> {
  const { store, now, logger } = options;
  const runStarted = performance.now();
  const elapsed = () => Math.round(performance.now() - runStarted);
  const clock = () => now.plus({ milliseconds: elapsed() });

  const clusters = await mapBounded(
    fleet.clusters,
    options.concurrency ?? fleet.defaults.concurrency,
    async (target) => {
      options.onProgress?.({ kind: 'started', cluster: target.name });
      const started = performance.now();
      const access = options.accessFor?.(target.name);
      const collectOptions: CollectOptions = {
        clock,
        logger,
        requestTimeoutMs: fleet.defaults.requestTimeoutSeconds * 1000,
        excludeNamespaces: fleet.defaults.excludeNamespaces,
        ...(options.sectionConcurrency ? { sectionConcurrency: options.sectionConcurrency } : {}),
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
        ...(access ? { access } : {}),
      };
      const snapshot = await collectClusterSnapshot(target, collectOptions);
      const written = await storeSnapshot(store, snapshot);
      const result = clusterResult(snapshot, written, Math.round(performance.now() - started));
      logger.debug('snapshot stored', { cluster: target.name, key: written.key, status: result.status });
      options.onProgress?.({ kind: 'finished', result });
      return result;
    },
  );

  const manifest = await recordRun(store, { runAt: now, written: clusters.map((c) => c.written), kind: 'snapshot' });
  const counts: Record<ClusterStatus, number> = { ok: 0, partial: 0, unreachable: 0 };
  for (const c of clusters) counts[c.status]++;
  return {
    clusters,
    manifest,
    counts,
    objectsRead: clusters.reduce((sum, c) => sum + c.objectsRead, 0),
    elapsedMs: elapsed(),
  };
}

async function storeSnapshot(store: LedgerStore, snapshot: Snapshot): Promise<WrittenObject> {
  try {
    return await writeSnapshot(store, snapshot);
  } catch (error) {
    if (error instanceof ObjectExistsError) {
      throw new OperationalError(
        `${store.location}: a different snapshot of ${snapshot.meta.cluster} collected at ${snapshot.meta.collectionStart} is already stored (${error.key}); run again with another --now`,
      );
    }
    throw error;
  }
}

function clusterResult(snapshot: Snapshot, written: WrittenObject, elapsedMs: number): ClusterRunResult {
  const { meta } = snapshot;
  const problems =
    meta.status === 'unreachable'
      ? []
      : Object.entries(meta.sections)
          .filter(([, s]) => s.state === 'forbidden' || s.state === 'error' || s.state === 'unreachable')
          .map(([name, s]) => `${name}: ${s.state}${s.message ? ` (${s.message})` : ''}`);
  return {
    cluster: meta.cluster,
    status: meta.status,
    objectsRead: meta.objectsRead,
    elapsedMs,
    problems,
    ...(meta.unreachableReason ? { unreachableReason: meta.unreachableReason } : {}),
    written,
  };
}
