/**
 * A snapshot run fanned out over processes (the deployed Step Functions state machine: one
 * function opens the run, one invocation per cluster, one writes the manifest), following the
 * ledger's run rules exactly as snapshotFleet does in one process:
 *
 * 1. openSnapshotRun: the run's time is checked against the ledger (no back-dating), and its
 *    opening, naming every cluster's prefix and the window, is stored (signed) before any snapshot;
 * 2. snapshotClusterStep (snapshotClusterStep.ts, so the open and finish steps do not load the
 *    collector and the Kubernetes client): one cluster collected and stored through a store that refuses any key
 *    outside the opening (another cluster, a time after the window); an unreachable cluster is a
 *    stored `unreachable` snapshot, as in the CLI;
 * 3. finishSnapshotRun: the manifest records the snapshots the steps report, links the opening,
 *    closes interrupted runs, and abandons what failed attempts left in the run's scope. Finishing
 *    twice (a retried step) writes nothing new: the manifest that links the opening is returned.
 *
 * Every step's input and output is small JSON (what a state machine passes between states).
 */
import { DateTime } from 'luxon';
import { OperationalError } from '../core/errors.js';
import type { Fleet } from '../fleet/fleetFile.js';
import { snapshotPrefix } from '../ledger/keys.js';
import { LedgerRun } from '../ledger/ledgerRun.js';
import { CorruptObjectError, type WrittenObject } from '../ledger/objects.js';
import { openingSignatureProblem, readOpening, type StoredOpening } from '../ledger/runOpening.js';
import type { LedgerStore } from '../ledger/store.js';
import type { Signer } from '../signing/signer.js';
import type { ClusterStatus } from '../snapshot/schema.js';

/** The opened run, as the state machine passes it to every later step. */
export interface OpenedSnapshotRun {
  /** The opening's key in the ledger. */
  readonly opening: string;
  readonly runAt: string;
  /** The clusters to snapshot, one Map item each. */
  readonly clusters: readonly string[];
}

/** One cluster's outcome, as a Map iteration returns it. */
export interface ClusterStepResult {
  readonly cluster: string;
  readonly status: ClusterStatus;
  /** The stored snapshot, or null when the ledger refused it (notStoredReason says why). */
  readonly written: WrittenObject | null;
  readonly problems: readonly string[];
  readonly notStoredReason?: string;
}

/** A Map iteration that failed after its retries: recorded, never fatal to the run. */
export interface FailedClusterStep {
  readonly cluster: string;
  readonly error: string;
}

export type ClusterStepOutcome = ClusterStepResult | FailedClusterStep;

export interface FinishedSnapshotRun {
  /** The run's manifest; null only when another run already finished it (never: see finish). */
  readonly manifest: string;
  readonly counts: Readonly<Record<ClusterStatus | 'failed', number>>;
  /** Objects in the run's scope that no step reported: recorded as abandoned, never evidence. */
  readonly abandoned: readonly string[];
  /** True when the manifest was already there (the finish step ran twice). */
  readonly alreadyFinished: boolean;
}

export async function openSnapshotRun(
  store: LedgerStore,
  fleet: Fleet,
  options: { now: DateTime; signer: Signer | null; backfill: boolean },
): Promise<OpenedSnapshotRun> {
  const run = await LedgerRun.prepare(store, {
    kind: 'snapshot',
    runAt: options.now,
    scope: { keys: [], prefixes: fleet.clusters.map((cluster) => snapshotPrefix(cluster.name)) },
    signer: options.signer,
    backfill: options.backfill,
  });
  const opened = await run.opened();
  return { opening: opened.key, runAt: opened.opening.runAt, clusters: fleet.clusters.map((c) => c.name) };
}

/**
 * The opening a later step writes under: readable, and signed by the run's key when runs are
 * signed (a step never writes under an opening its key did not sign).
 */
export async function readRunOpening(store: LedgerStore, key: string, signer: Signer | null): Promise<StoredOpening> {
  const stored = await readOpening(store, key);
  if (stored instanceof CorruptObjectError) throw new OperationalError(`${store.location}: ${stored.message}`);
  if (signer) {
    const problem = openingSignatureProblem(stored, await signer.verificationKey());
    if (problem)
      throw new OperationalError(
        `${store.location}: ${key}: the run's opening is not signed by the run's key (${problem.detail})`,
      );
  }
  return stored;
}

export async function finishSnapshotRun(
  store: LedgerStore,
  opening: StoredOpening,
  outcomes: readonly ClusterStepOutcome[],
  options: { signer: Signer | null },
): Promise<FinishedSnapshotRun> {
  const counts: Record<ClusterStatus | 'failed', number> = { ok: 0, partial: 0, unreachable: 0, failed: 0 };
  for (const outcome of outcomes) counts['status' in outcome ? outcome.status : 'failed']++;
  const run = await LedgerRun.prepare(store, {
    kind: 'snapshot',
    runAt: DateTime.fromISO(opening.opening.runAt, { zone: 'utc' }),
    scope: opening.opening.scope,
    signer: options.signer,
    backfill: opening.opening.backfill ?? false,
    opening,
  });
  const finished = run.readout.manifests.find((stored) => stored.manifest.opening?.key === opening.key);
  if (finished) return { manifest: finished.key, counts, abandoned: [], alreadyFinished: true };

  const written = outcomes.flatMap((outcome) => ('written' in outcome && outcome.written ? [outcome.written] : []));
  const abandoned = await run.leftovers(written);
  const records = await run.finish(written, { abandoned });
  return {
    manifest: records!.manifest.key,
    counts,
    abandoned: abandoned.map((object) => object.key),
    alreadyFinished: false,
  };
}
