/**
 * The functions as deployed: each step's bundle (infra/bundling.ts, built as the stack builds it) run
 * in a fresh Node.js with only the environment the Lambda runtime gives it: AWS credentials in
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, no profile, no ~/.aws. What the bundles leave out (the
 * SDK's other credential providers, client-node's js-yaml, the OSCAL schema's annotations) must not
 * be missed by a scheduled run: open, snapshot a real cluster, finish, report into a real S3 ledger.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHandler } from '../../bench/functions.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from '../collect/fixtures.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { runExecution, type StepHandlers } from '../support/stateMachineRun.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STEP_BUNDLES = {
  open: 'openRunHandler',
  cluster: 'snapshotClusterHandler',
  finish: 'finishRunHandler',
  report: 'reportHandler',
  deliver: 'deliverHandler',
} as const;

let s3: RunningS3rver;
let fleet: RunningFleet;
let scratch: string;
const bundles = new Map<string, string>();

beforeAll(async () => {
  const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
  scratch = await mkdtemp(join(tmpdir(), 'bundled-functions-'));
  [s3, fleet] = await Promise.all([
    startS3rver({ bucket: 'audit-ledger' }),
    startSimulatedFleet([{ name: 'prod-east', objects: [namespace('payments')] }]),
  ]);
  await s3.putText(
    'config/fleet.yaml',
    `clusters:\n  - { name: prod-east, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }\n`,
  );
  for (const [step, name] of Object.entries(STEP_BUNDLES)) {
    if (step === 'deliver') continue;
    bundles.set(step, (await bundleHandler(name, join(scratch, 'code'))).file);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([fleet?.stop(), s3?.stop(), scratch && rm(scratch, { recursive: true, force: true })]);
});

/** What the Lambda runtime and the stack set (infra/constructs/HandlerFunction.ts), nothing else. */
function lambdaEnvironment(credentials: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: join(scratch, 'home'),
    ...credentials,
    AWS_REGION: s3.region,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_EC2_METADATA_DISABLED: 'true',
    LEDGER: `s3://${s3.bucket}/ledger`,
    S3_ENDPOINT: s3.endpoint,
    FLEET_FILE: `s3://${s3.bucket}/config/fleet.yaml`,
    TIME_ZONE: 'UTC',
    FLEETLEDGER_BUNDLED_VERSION: '0.0.0-test',
    FLEETLEDGER_TEMPLATES_DIR: join(ROOT, 'templates'),
    FLEETLEDGER_LOG_LEVEL: 'error',
  };
}

/** Calls a bundle's handler in a fresh Node.js, as a cold start does; its error message if it throws. */
function invokeBundle(file: string, event: unknown, env: NodeJS.ProcessEnv): Promise<unknown> {
  const script = `const { handler } = await import(${JSON.stringify(`file://${file}`)});
try { process.stdout.write(JSON.stringify({ output: await handler(JSON.parse(process.argv[1])) })); }
catch (error) { process.stdout.write(JSON.stringify({ error: String(error?.message ?? error) })); }`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, JSON.stringify(event)],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (failure, stdout, stderr) => {
        if (failure) return reject(new Error(`${file}: ${failure.message}\n${stderr}`));
        const answer = JSON.parse(stdout) as { output?: unknown; error?: string };
        return answer.error === undefined ? resolve(answer.output) : reject(new Error(answer.error));
      },
    );
  });
}

function bundledSteps(env: NodeJS.ProcessEnv): StepHandlers {
  const step =
    <R>(name: keyof typeof STEP_BUNDLES) =>
    (event: unknown) =>
      invokeBundle(bundles.get(name)!, event, env) as Promise<R>;
  return {
    open: step('open'),
    cluster: step('cluster'),
    finish: step('finish'),
    report: step('report'),
    deliver: step('deliver'),
  };
}

describe('the bundled functions', () => {
  it('run a scheduled run with the credentials the Lambda runtime puts in the environment: snapshot and report in S3', async () => {
    const env = lambdaEnvironment({
      AWS_ACCESS_KEY_ID: s3.environment['AWS_ACCESS_KEY_ID']!,
      AWS_SECRET_ACCESS_KEY: s3.environment['AWS_SECRET_ACCESS_KEY']!,
    });

    const execution = await runExecution(
      bundledSteps(env),
      { now: '2026-11-23T04:00:00Z', report: true },
      { email: false },
    );

    expect(execution.results.map((c) => [c.cluster, 'status' in c ? c.status : c.error])).toEqual([
      ['prod-east', 'ok'],
    ]);
    expect(execution.finished.counts).toEqual({ ok: 1, partial: 0, unreachable: 0, failed: 0 });
    expect(execution.report?.period).toBe('2026-W48');
    const stored = (await s3.store('ledger').list('reports/2026-W48/')).map(({ key }) => key.replace(/^.*\//, ''));
    expect(stored).toEqual(expect.arrayContaining(['assessment-results.json', 'report.html', 'report.json']));
  }, 180_000);

  it('without credentials in the environment, fail with an error that names the variables the runtime sets', async () => {
    const env = lambdaEnvironment({});

    await expect(invokeBundle(bundles.get('open')!, { now: '2026-11-23T04:00:00Z' }, env)).rejects.toThrow(
      'No AWS credentials: neither AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY nor AWS_CONTAINER_CREDENTIALS_FULL_URI or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set',
    );
  }, 60_000);
});
