/**
 * The deployed state machine seen from the CLI (`fleetledger invoke`, `fleetledger status`): found
 * from the CloudFormation stack's outputs, started, followed until it ends, and its report located
 * in the ledger. Everything goes through the AWS SDK clients given, so tests mock them at the SDK
 * boundary.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ConfigError, errorMessage, OperationalError } from '../core/errors.js';

/** The outputs of a deployed FleetLedger stack that the CLI uses. */
export interface DeployedStack {
  readonly stackName: string;
  readonly stateMachineArn: string;
  /** s3://bucket/prefix of the ledger (LedgerLocation). */
  readonly ledgerLocation: string;
}

export async function findDeployedStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<DeployedStack> {
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) throw new Error('no such stack');
    outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    throw new OperationalError(
      `--stack ${stackName}: cannot read the stack (${errorMessage(error)}); deploy it with npx cdk deploy`,
    );
  }
  const missing = ['StateMachineArn', 'LedgerLocation'].filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new OperationalError(
      `--stack ${stackName}: the stack has no ${missing.join(' or ')} output (not a fleetledger stack, or deployed by an older version)`,
    );
  }
  return { stackName, stateMachineArn: outputs['StateMachineArn']!, ledgerLocation: outputs['LedgerLocation']! };
}

/** The execution input: a report of `period` (an ISO week, current, previous), or snapshots only. */
export function executionInput(period: string | null): Record<string, unknown> {
  if (period !== null && !/^(\d{4}-W\d{2}|current|previous)$/.test(period)) {
    throw new ConfigError(`--period: expected an ISO week such as 2026-W48, current or previous, got "${period}"`);
  }
  return period === null ? {} : { report: true, period };
}

export interface StartedRun {
  readonly executionArn: string;
  readonly startedAt: string;
}

export async function startRun(
  sfn: SFNClient,
  stack: DeployedStack,
  input: Record<string, unknown>,
  name?: string,
): Promise<StartedRun> {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.stateMachineArn,
      input: JSON.stringify(input),
      ...(name ? { name } : {}),
    }),
  );
  return { executionArn: started.executionArn!, startedAt: (started.startDate ?? new Date()).toISOString() };
}

export interface EndedRun {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  /** The state machine's output (the steps' results), parsed; null unless it succeeded. */
  readonly output: ExecutionOutput | null;
  /** The failing state's error and cause, when it did not succeed. */
  readonly error: string | null;
}

/** What the state machine's last state holds (see infra/constructs/RunStateMachine.ts). */
export interface ExecutionOutput {
  readonly run?: { readonly opening: string; readonly runAt: string };
  readonly finished?: { readonly manifest: string; readonly counts: Record<string, number> };
  readonly report?: { readonly period: string; readonly reportFolder: string; readonly gaps: number };
  readonly delivered?: { readonly messageId: string };
}

export interface WaitOptions {
  readonly pollSeconds: number;
  /** Called after each poll that finds the run still going. */
  readonly onProgress?: (elapsedSeconds: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export async function waitForRun(sfn: SFNClient, executionArn: string, options: WaitOptions): Promise<EndedRun> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const started = Date.now();
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') {
      const output =
        execution.status === 'SUCCEEDED' && execution.output ? (JSON.parse(execution.output) as ExecutionOutput) : null;
      const error =
        execution.status === 'SUCCEEDED'
          ? null
          : `${execution.error ?? execution.status}: ${execution.cause ?? 'no cause given'}`;
      return { executionArn, status: execution.status!, output, error };
    }
    options.onProgress?.(Math.round((Date.now() - started) / 1000));
    await sleep(options.pollSeconds * 1000);
  }
}

export interface RunSummary {
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
}

/** The newest executions first, at most `max`. */
export async function recentRuns(sfn: SFNClient, stack: DeployedStack, max: number): Promise<RunSummary[]> {
  const { executions } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn, maxResults: max }),
  );
  return (executions ?? []).map((e) => ({
    name: e.name ?? '',
    status: e.status!,
    startedAt: e.startDate?.toISOString() ?? '',
    stoppedAt: e.stopDate?.toISOString() ?? null,
  }));
}
