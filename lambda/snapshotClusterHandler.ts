/**
 * Step 2, one invocation per cluster (a Map iteration): snapshot the cluster into the run opened
 * by step 1, writing only inside that opening. An unreachable cluster is a stored `unreachable`
 * snapshot (data, not an error); the invocation fails only when the ledger or the opening is
 * unusable, and the state machine then retries it and at last records the cluster as failed.
 */

import { KubeconfigFiles } from '../src/collect/access/loadKubeconfig.js';
import { snapshotClusterStep } from '../src/collect/snapshotClusterStep.js';
import { type ClusterStepResult, readRunOpening } from '../src/collect/snapshotSteps.js';
import { createLogger, withLogContext } from '../src/core/logger.js';
import { loadFleetForCollection } from './collectionFleet.js';
import { readHandlerEnvironment } from './handlerEnvironment.js';
import { createLedgerClients, createSigner } from './ledgerClients.js';
import { clusterOf, runClock, runOf } from './stepEvents.js';

const environment = readHandlerEnvironment(process.env);
const { s3, store } = createLedgerClients(environment);
const signer = await createSigner(environment);
const logger = createLogger();

export async function handler(event: unknown): Promise<ClusterStepResult> {
  const run = runOf(event);
  const cluster = clusterOf(event);
  const log = withLogContext(logger, { runId: run.opening, cluster });
  const clock = runClock(run);
  const [fleet, opening] = await Promise.all([
    loadFleetForCollection(environment.fleetFile, s3, { kubeconfigs: new KubeconfigFiles() }),
    readRunOpening(store, run.opening, signer),
  ]);
  const result = await snapshotClusterStep(store, fleet, opening, cluster, { clock, logger: log });
  log.info('cluster snapshotted', {
    status: result.status,
    key: result.written?.key ?? null,
    problems: result.problems.length,
    ...(result.notStoredReason ? { notStoredReason: result.notStoredReason } : {}),
  });
  return result;
}
