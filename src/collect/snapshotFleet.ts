/**
 * A snapshot run over a fleet: clusters collected concurrently (bounded by
 * defaults.concurrency), each snapshot written to the ledger as soon as it is complete (the first
 * write opens the run, see ledger/ledgerRun.ts), then one manifest for the run. A cluster that fails is data (an `unreachable` or `partial` snapshot,
 * still stored); it never fails the run or the other clusters. A snapshot the ledger refuses
 * (a key already taken, a store error) is recorded on that cluster's result; the manifest always
 * records exactly the snapshots that were stored, so the ledger verifies clean. A run that stored
 * nothing writes no manifest: an empty one would only lengthen the chain of a write-once ledger.
 */
import type { DateTime } from 'luxon';
import { ZodError } from 'zod';
import { mapBounded } from '../core/concurrency.js';
import { errorMessage, OperationalError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Fleet, FleetDefaults } from '../fleet/fleetFile.js';
import { snapshotPrefix } from '../ledger/keys.js';
import { LedgerRun } from '../ledger/ledgerRun.js';
import type { WrittenObject } from '../ledger/objects.js';
import { writeSnapshot } from '../ledger/snapshots.js';
import { type LedgerStore, ObjectExistsError } from '../ledger/store.js';
import type { Signer } from '../signing/signer.js';
import type { ClusterStatus, SectionName, SectionStatus, Snapshot } from '../snapshot/schema.js';
import { sectionFailed } from '../snapshot/sectionStatus.js';
import type { ClusterAccess } from './access/clusterAccess.js';
import { clusterAccessFor } from './access/clusterAccessFor.js';
import { KubeconfigFiles } from './access/loadKubeconfig.js';
import { type CollectOptions, collectClusterSnapshot } from './collectClusterSnapshot.js';
import type { RetryPolicy } from './retryPolicy.js';

export interface ClusterRunResult {
  readonly cluster: string;
  readonly status: ClusterStatus;
  readonly objectsRead: number;
  readonly elapsedMs: number;
  /**
   * Sections that were not collected, or only in part, e.g. `tlsSecrets: forbidden (...)`,
   * `istioCa: partial (not read: Secret istio-system/cacerts (forbidden))`; skipped ones are not problems.
   */
  readonly problems: readonly string[];
  readonly unreachableReason?: string;
  /** The stored snapshot, or null when the ledger refused it (notStoredReason says why). */
  readonly written: WrittenObject | null;
  readonly notStoredReason?: string;
  /** The state of every section, as the snapshot records it (the CLI tells the problems in words from it). */
  readonly sections: Readonly<Partial<Record<SectionName, SectionStatus>>>;
}

export interface FleetRunResult {
  readonly clusters: readonly ClusterRunResult[];
  /** The run's manifest; null when no snapshot was stored (then none is written). */
  readonly manifest: WrittenObject | null;
  /** The fingerprint of the key that signed the run's records; null for an unsigned run. */
  readonly signingKey: string | null;
  readonly counts: Readonly<Record<ClusterStatus, number>>;
  /** Clusters whose snapshot the ledger refused: they are not in the manifest. */
  readonly notStored: number;
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
  /** The kubeconfig files the fleet names, each read once for the run. @default a fresh set */
  readonly kubeconfigs?: KubeconfigFiles;
  /** Signs the run's opening and manifest (`--signing-key`); default: unsigned. */
  readonly signer?: Signer | null;
  /** `--backfill`: allow a run time earlier than the newest run of the ledger. */
  readonly backfill?: boolean;
}

/**
 * @example
 * const fleet = loadFleetFile('fleet.yaml');
 * const result = await snapshotFleet(fleet, { store: await openStore('./ledger'), now: resolveNow(), logger });
 */
export async function snapshotFleet(fleet: Fleet, options: SnapshotFleetOptions): Promise<FleetRunResult> {
  const { store, now, logger } = options;
  const runStarted = performance.now();
  const elapsed = () => Math.round(performance.now() - runStarted);
  const clock = () => now.plus({ milliseconds: elapsed() });
  const kubeconfigs = options.kubeconfigs ?? new KubeconfigFiles();
  // Before any cluster is contacted: a back-dated run is refused with nothing collected or written.
  const run = await LedgerRun.prepare(store, {
    kind: 'snapshot',
    runAt: now,
    scope: { keys: [], prefixes: fleet.clusters.map((cluster) => snapshotPrefix(cluster.name)) },
    signer: options.signer ?? null,
    backfill: options.backfill ?? false,
  });

  // Every cluster settles before the manifest is written, so the manifest records every snapshot
  // stored, even when an unexpected error escapes one cluster (that error is thrown afterwards).
  const outcomes = await mapBounded(
    fleet.clusters,
    options.concurrency ?? fleet.defaults.concurrency,
    async (target): Promise<{ result: ClusterRunResult } | { unexpected: unknown }> => {
      try {
        options.onProgress?.({ kind: 'started', cluster: target.name });
        const started = performance.now();
        const access = options.accessFor?.(target.name) ?? clusterAccessFor(target, kubeconfigs);
        const collectOptions: CollectOptions = {
          ...collectOptionsOf(fleet.defaults, { clock, logger, access }),
          ...(options.sectionConcurrency ? { sectionConcurrency: options.sectionConcurrency } : {}),
          ...(options.pageSize ? { pageSize: options.pageSize } : {}),
          ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
        };
        const snapshot = await collectClusterSnapshot(target, collectOptions);
        const stored = await storeSnapshot(run.store, snapshot);
        const result = clusterResult(snapshot, stored, Math.round(performance.now() - started));
        if (result.written) {
          logger.debug('snapshot stored', { cluster: target.name, key: result.written.key, status: result.status });
        } else {
          // Not an error line of its own: the result carries the reason to the CLI line and the Lambda summary.
          logger.debug('snapshot not stored', { cluster: target.name, reason: result.notStoredReason });
        }
        options.onProgress?.({ kind: 'finished', result });
        return { result };
      } catch (unexpected) {
        return { unexpected };
      }
    },
  );

  const clusters = outcomes.flatMap((o) => ('result' in o ? [o.result] : []));
  const written = clusters.flatMap((c) => (c.written ? [c.written] : []));
  const manifest = written.length > 0 ? ((await run.finish(written))?.manifest ?? null) : null;
  const escaped = outcomes.find((o) => 'unexpected' in o);
  if (escaped && 'unexpected' in escaped) throw escaped.unexpected;

  const counts: Record<ClusterStatus, number> = { ok: 0, partial: 0, unreachable: 0 };
  for (const c of clusters) counts[c.status]++;
  return {
    clusters,
    manifest,
    signingKey: manifest ? run.signingKey : null,
    counts,
    notStored: clusters.filter((c) => c.written === null).length,
    objectsRead: clusters.reduce((sum, c) => sum + c.objectsRead, 0),
    elapsedMs: elapsed(),
  };
}

/** How a cluster is collected under the fleet file's `defaults` (the fleet run and a fanned-out cluster step alike). */
export function collectOptionsOf(
  defaults: FleetDefaults,
  run: Pick<CollectOptions, 'clock' | 'logger' | 'access'>,
): CollectOptions {
  return {
    ...run,
    requestTimeoutMs: defaults.requestTimeoutSeconds * 1000,
    excludeNamespaces: defaults.excludeNamespaces,
    readSecrets: defaults.readSecrets ?? true,
    ...(defaults.maxResponseMiB ? { maxResponseBytes: Math.floor(defaults.maxResponseMiB * 1024 * 1024) } : {}),
  };
}

/** The stored object, or why the ledger refused the snapshot (the other clusters go on). */
export async function storeSnapshot(store: LedgerStore, snapshot: Snapshot): Promise<WrittenObject | string> {
  try {
    return await writeSnapshot(store, snapshot);
  } catch (error) {
    if (error instanceof ObjectExistsError) {
      return `${store.location}: a different snapshot of ${snapshot.meta.cluster} collected at ${snapshot.meta.collectionStart} is already stored (${error.key}); run again with another --now`;
    }
    if (error instanceof ZodError) {
      const issue = error.issues[0];
      return `not a valid snapshot (${issue?.path.join('.')}: ${issue?.message})`;
    }
    // A store's own operational errors already start with its location.
    if (error instanceof OperationalError) return error.message;
    return `${store.location}: ${errorMessage(error)}`;
  }
}

export function clusterResult(snapshot: Snapshot, stored: WrittenObject | string, elapsedMs: number): ClusterRunResult {
  const { meta } = snapshot;
  const problems =
    meta.status === 'unreachable'
      ? []
      : Object.entries(meta.sections)
          .filter(([, s]) => sectionFailed(s))
          .map(([name, s]) => `${name}: ${s.state}${s.message ? ` (${s.message})` : ''}`);
  return {
    cluster: meta.cluster,
    status: meta.status,
    objectsRead: meta.objectsRead,
    elapsedMs,
    problems,
    ...(meta.unreachableReason ? { unreachableReason: meta.unreachableReason } : {}),
    ...(typeof stored === 'string' ? { written: null, notStoredReason: stored } : { written: stored }),
    sections: meta.sections,
  };
}
