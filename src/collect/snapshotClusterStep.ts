/**
 * Step 2 of a snapshot run fanned out over processes (see snapshotSteps.ts): one cluster collected
 * and stored under the run's opening. A module of its own: only this step loads the collector,
 * the Kubernetes client and undici, so the open and finish functions' bundles do not carry them.
 */
import type { DateTime } from 'luxon';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Fleet } from '../fleet/fleetFile.js';
import { OpenedRunStore } from '../ledger/ledgerRun.js';
import type { StoredOpening } from '../ledger/runOpening.js';
import type { LedgerStore } from '../ledger/store.js';
import type { ClusterAccess } from './access/clusterAccess.js';
import { clusterAccessFor } from './access/clusterAccessFor.js';
import { KubeconfigFiles } from './access/loadKubeconfig.js';
import { collectClusterSnapshot } from './collectClusterSnapshot.js';
import { clusterResult, collectOptionsOf, storeSnapshot } from './snapshotFleet.js';
import type { ClusterStepResult } from './snapshotSteps.js';

export interface ClusterStepOptions {
  /** The collection clock: the current time (a step runs inside the run's window). */
  readonly clock: () => DateTime;
  readonly logger: Logger;
  /** Access overriding the fleet file's (tests). */
  readonly access?: ClusterAccess;
}

export async function snapshotClusterStep(
  store: LedgerStore,
  fleet: Fleet,
  opening: StoredOpening,
  cluster: string,
  options: ClusterStepOptions,
): Promise<ClusterStepResult> {
  const target = fleet.clusters.find((c) => c.name === cluster);
  if (!target) throw new ConfigError(`the fleet file has no cluster named "${cluster}" (it changed during the run?)`);
  const started = performance.now();
  const access = options.access ?? clusterAccessFor(target, new KubeconfigFiles());
  const snapshot = await collectClusterSnapshot(
    target,
    collectOptionsOf(fleet.defaults, { clock: options.clock, logger: options.logger, access }),
  );
  const stored = await storeSnapshot(new OpenedRunStore(store, opening.opening), snapshot);
  const result = clusterResult(snapshot, stored, Math.round(performance.now() - started));
  return {
    cluster,
    status: result.status,
    written: result.written
      ? { key: result.written.key, size: result.written.size, sha256: result.written.sha256 }
      : null,
    problems: [...result.problems, ...(result.unreachableReason ? [result.unreachableReason] : [])],
    ...(result.notStoredReason ? { notStoredReason: result.notStoredReason } : {}),
  };
}
