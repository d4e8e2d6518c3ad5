/**
 * Step 1 of a run (the state machine's first task): read the fleet file, check the run's time
 * against the ledger and store the run's opening, before any cluster is contacted. Returns the
 * Map's items: inline, or, for a fleet larger than DISTRIBUTED_MAP_ABOVE, kept in S3 (RUN_STATE)
 * for a Distributed Map, so the state stays small whatever the fleet's size.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { KubeconfigDocuments } from '../src/collect/access/kubeconfigDocuments.js';
import { openSnapshotRun } from '../src/collect/snapshotSteps.js';
import { createLogger, withLogContext } from '../src/core/logger.js';
import { prepareStore } from '../src/ledger/open.js';
import { loadFleet } from './configFiles.js';
import { readHandlerEnvironment } from './handlerEnvironment.js';
import { parseInvocationEvent } from './invocationEvent.js';
import { createLedgerClients, createSigner } from './ledgerClients.js';
import { type RunReference, wantsReport } from './stepEvents.js';

const environment = readHandlerEnvironment(process.env);
const { s3, store } = createLedgerClients(environment);
const signer = await createSigner(environment);
const logger = createLogger();

export interface OpenedRunOutput {
  readonly run: RunReference;
  /** The Map's items inline, or null when they are in `items`. */
  readonly clusters: readonly { readonly cluster: string }[] | null;
  /** The S3 object holding the items (a JSON array of `{ cluster }`), or null when inline. */
  readonly items: { readonly bucket: string; readonly key: string } | null;
  /** What the later steps do: report (and deliver) the period, or only snapshot. */
  readonly request: { readonly report: boolean; readonly period: string | null; readonly backfill: boolean };
}

export async function handler(event: unknown): Promise<OpenedRunOutput> {
  const startedAt = new Date().toISOString();
  const { now, period, backfill } = parseInvocationEvent(event, environment.timeZone);
  const report = wantsReport(event);
  const fleet = await loadFleet(environment.fleetFile, s3, { kubeconfigs: new KubeconfigDocuments() });
  // One cheap request: a missing or refusing bucket fails the run before anything is written.
  await prepareStore(store);
  const opened = await openSnapshotRun(store, fleet, { now, signer, backfill });
  const run = { opening: opened.opening, runAt: opened.runAt, startedAt };
  const log = withLogContext(logger, { runId: opened.opening });
  const clusters = opened.clusters.map((cluster) => ({ cluster }));
  let items: OpenedRunOutput['items'] = null;
  if (environment.runState && clusters.length > environment.distributedMapAbove) {
    const { bucket, prefix } = environment.runState;
    const key = `${prefix ? `${prefix}/` : ''}${opened.opening.replace(/^openings\//, '').replace(/\.json$/, '')}/clusters.json`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(clusters),
        ContentType: 'application/json',
      }),
    );
    items = { bucket, key };
  }
  log.info('run opened', { ledger: store.location, clusters: clusters.length, distributed: items !== null });
  return { run, clusters: items ? null : clusters, items, request: { report, period, backfill } };
}
