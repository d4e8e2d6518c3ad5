/**
 * Step 3, after the Map: write the run's manifest, exactly as a one-process `snapshot` run does
 * (signed, linking the opening, closing interrupted runs), recording the snapshots the cluster
 * steps stored and abandoning what failed attempts left. A retried finish writes nothing new.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type ClusterStepOutcome,
  type FinishedSnapshotRun,
  finishSnapshotRun,
  readRunOpening,
} from '../src/collect/snapshotSteps.js';
import { OperationalError } from '../src/core/errors.js';
import { createLogger, withLogContext } from '../src/core/logger.js';
import { readHandlerEnvironment } from './handlerEnvironment.js';
import { createLedgerClients, createSigner } from './ledgerClients.js';
import { type ResultWriterDetails, resultsOf, runOf } from './stepEvents.js';

const environment = readHandlerEnvironment(process.env);
const { s3, store } = createLedgerClients(environment);
const signer = await createSigner(environment);
const logger = createLogger();

export async function handler(event: unknown): Promise<FinishedSnapshotRun> {
  const run = runOf(event);
  const log = withLogContext(logger, { runId: run.opening });
  const given = resultsOf(event);
  const outcomes = 'results' in given ? given.results : await readDistributedResults(s3, given.resultWriter);
  const opening = await readRunOpening(store, run.opening, signer);
  const finished = await finishSnapshotRun(store, opening, outcomes, { signer });
  const failed = outcomes.flatMap((o) => ('error' in o ? [{ cluster: o.cluster, error: o.error }] : []));
  log.info('run finished', { ledger: store.location, ...finished, failed });
  return finished;
}

async function readJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new OperationalError(`s3://${bucket}/${key}: no body`);
  return JSON.parse(await response.Body.transformToString('utf-8'));
}

/**
 * The iterations' outputs a Distributed Map's ResultWriter stored: its manifest.json names result
 * files, each a JSON array of executions whose Output is the iteration's output as a JSON string.
 * An iteration that failed anyway (its Catch should have made it a result) counts as failed.
 */
async function readDistributedResults(s3: S3Client, details: ResultWriterDetails): Promise<ClusterStepOutcome[]> {
  const manifest = (await readJson(s3, details.Bucket, details.Key)) as {
    ResultFiles?: Record<string, { Key: string }[]>;
  };
  const outcomes: ClusterStepOutcome[] = [];
  for (const [status, files] of Object.entries(manifest.ResultFiles ?? {})) {
    for (const file of files) {
      const executions = (await readJson(s3, details.Bucket, file.Key)) as {
        Input?: string;
        Output?: string;
        Error?: string;
        Cause?: string;
      }[];
      for (const execution of executions) {
        if (status === 'SUCCEEDED' && execution.Output) {
          outcomes.push(JSON.parse(execution.Output) as ClusterStepOutcome);
        } else {
          const input = execution.Input ? (JSON.parse(execution.Input) as { cluster?: string }) : {};
          outcomes.push({
            cluster: input.cluster ?? '(unknown)',
            error: `${execution.Error ?? status}: ${execution.Cause ?? 'no cause given'}`,
          });
        }
      }
    }
  }
  return outcomes;
}
