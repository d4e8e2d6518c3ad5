/**
 * The deployed state machine's path (infra/constructs/RunStateMachine.ts), run in-process: each
 * step's handler is called with the event the state machine builds for it, so a test proves what
 * a scheduled execution does without AWS. What the state machine itself adds is emulated here:
 * the Map's Catch (a failed iteration becomes `{ cluster, error }`), and for a Distributed Map the
 * ItemReader (items read from S3) and the ResultWriter (results written to S3 in its format).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeliveredReport } from '../../lambda/deliverHandler.js';
import type { OpenedRunOutput } from '../../lambda/openRunHandler.js';
import type { ReportRunSummary } from '../../lambda/reportHandler.js';
import type { ClusterStepOutcome, FinishedSnapshotRun } from '../../src/collect/snapshotSteps.js';
import { errorMessage } from '../../src/core/errors.js';

type Handler<R> = (event: unknown) => Promise<R>;

export interface StepHandlers {
  open: Handler<OpenedRunOutput>;
  cluster: Handler<ClusterStepOutcome>;
  finish: Handler<FinishedSnapshotRun>;
  report: Handler<ReportRunSummary>;
  deliver: Handler<DeliveredReport>;
}

/** The handlers, imported once the environment they read at module scope is set. */
export async function importStepHandlers(): Promise<StepHandlers> {
  const [open, cluster, finish, report, deliver] = await Promise.all([
    import('../../lambda/openRunHandler.js'),
    import('../../lambda/snapshotClusterHandler.js'),
    import('../../lambda/finishRunHandler.js'),
    import('../../lambda/reportHandler.js'),
    import('../../lambda/deliverHandler.js'),
  ]);
  return {
    open: open.handler,
    cluster: cluster.handler,
    finish: finish.handler,
    report: report.handler,
    deliver: deliver.handler,
  };
}

export interface ExecutionOutcome {
  opened: OpenedRunOutput;
  results: ClusterStepOutcome[];
  finished: FinishedSnapshotRun;
  report: ReportRunSummary | null;
  delivered: DeliveredReport | null;
}

/**
 * One execution: open, Map over the clusters (inline, or distributed when the open step put the
 * items in S3; `s3` then reads and writes the run-state bucket), finish, and for `report: true`
 * report and deliver (deliver only when `email` is set, as the stack builds it).
 */
export async function runExecution(
  steps: StepHandlers,
  input: Record<string, unknown>,
  options: { email: boolean; s3?: S3Client },
): Promise<ExecutionOutcome> {
  const opened = await steps.open(input);
  const iterate = async (items: readonly { cluster: string }[]) => {
    const results: ClusterStepOutcome[] = [];
    for (const item of items) {
      // ItemSelector: { run.$: $.run, cluster.$: $$.Map.Item.Value.cluster }; Catch States.ALL.
      results.push(
        await steps.cluster({ run: opened.run, cluster: item.cluster }).catch((error: unknown) => ({
          cluster: item.cluster,
          error: errorMessage(error),
        })),
      );
    }
    return results;
  };
  let results: ClusterStepOutcome[];
  let finished: FinishedSnapshotRun;
  if (opened.items) {
    const s3 = options.s3!;
    const read = await s3.send(new GetObjectCommand({ Bucket: opened.items.bucket, Key: opened.items.key }));
    results = await iterate(JSON.parse(await read.Body!.transformToString()) as { cluster: string }[]);
    const prefix = opened.items.key.replace(/clusters\.json$/, 'results/');
    const resultFile = `${prefix}SUCCEEDED_0.json`;
    const executions = results.map((output, i) => ({
      Name: `item-${i}`,
      Status: 'SUCCEEDED',
      Input: JSON.stringify({ run: opened.run, cluster: output.cluster }),
      Output: JSON.stringify(output),
    }));
    const manifest = { ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: resultFile, Size: 0 }] } };
    await s3.send(
      new PutObjectCommand({ Bucket: opened.items.bucket, Key: resultFile, Body: JSON.stringify(executions) }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: opened.items.bucket,
        Key: `${prefix}manifest.json`,
        Body: JSON.stringify(manifest),
      }),
    );
    finished = await steps.finish({
      ...opened,
      resultWriter: { Bucket: opened.items.bucket, Key: `${prefix}manifest.json` },
    });
  } else {
    results = await iterate(opened.clusters ?? []);
    finished = await steps.finish({ ...opened, results });
  }
  if (!opened.request.report) return { opened, results, finished, report: null, delivered: null };
  const report = await steps.report({
    run: opened.run,
    period: opened.request.period,
    backfill: opened.request.backfill,
  });
  const delivered = options.email ? await steps.deliver({ period: report.period }) : null;
  return { opened, results, finished, report, delivered };
}
