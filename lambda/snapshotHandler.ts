/**
 * Lambda: snapshot every cluster of the fleet file into the ledger (scheduled daily).
 *
 * A cluster that cannot be read is recorded as such in the ledger and counted in the result; the
 * invocation fails only on a configuration mistake or an unusable ledger.
 */
import { snapshotFleet } from '../src/collect/snapshotFleet.js';
import { createLogger } from '../src/core/logger.js';
import { prepareStore } from '../src/ledger/open.js';
import { loadFleet } from './configFiles.js';
import { readHandlerEnvironment } from './handlerEnvironment.js';
import { parseInvocationEvent } from './invocationEvent.js';
import { createLedgerClients, createSigner } from './ledgerClients.js';

const environment = readHandlerEnvironment(process.env);
const { s3, store } = createLedgerClients(environment);
const signer = await createSigner(environment);
const logger = createLogger();

export interface SnapshotRunSummary {
  /** null when no snapshot was stored (no manifest is written then). */
  readonly manifest: string | null;
  /** The fingerprint of the key that signed the run; null when unsigned. */
  readonly signingKey: string | null;
  readonly counts: Readonly<Record<'ok' | 'partial' | 'unreachable', number>>;
  /** key is null when the ledger refused the snapshot (the reason is among the problems). */
  readonly clusters: readonly { cluster: string; status: string; key: string | null; problems: readonly string[] }[];
}

export async function handler(event: unknown): Promise<SnapshotRunSummary> {
  const { now, backfill } = parseInvocationEvent(event, environment.timeZone);
  const fleet = await loadFleet(environment.fleetFile, s3);
  // One cheap request: a missing or refusing bucket fails the invocation before any cluster is contacted.
  await prepareStore(store);
  const run = await snapshotFleet(fleet, { store, now, logger, signer, backfill });
  const summary: SnapshotRunSummary = {
    manifest: run.manifest?.key ?? null,
    signingKey: run.signingKey,
    counts: run.counts,
    clusters: run.clusters.map((c) => ({
      cluster: c.cluster,
      status: c.status,
      key: c.written?.key ?? null,
      problems: [
        ...c.problems,
        ...(c.unreachableReason ? [c.unreachableReason] : []),
        ...(c.notStoredReason ? [`not stored: ${c.notStoredReason}`] : []),
      ],
    })),
  };
  logger.info('snapshot run stored', { ledger: store.location, ...summary });
  return summary;
}
